"""The condition language (engine/rules/unary.py): every syntax of the docstring, missing values,
helpful syntax errors, and intervals checked against a direct computation (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rules.unary import Interval, parse_test
from engine.rules.unary import TestSyntaxError as SyntaxProblem

F = Fraction


def accepts(text, value) -> bool:
    return parse_test(text)(value)


# --- every syntax of the docstring -------------------------------------------------------------


def test_dash_accepts_anything_missing_included():
    test = parse_test("-")
    assert test.kind == "any"
    assert all(test(v) for v in (None, True, False, 0, "theft", frozenset(), date(2020, 1, 1)))
    assert test.accepts_missing()


def test_missing_and_not_missing():
    missing, present = parse_test("missing"), parse_test("not missing")
    assert (missing.kind, present.kind) == ("missing", "present")
    assert missing(None) and not missing(False) and not missing(0) and not missing("theft")
    assert not present(None) and present(False) and present(F(0)) and present(frozenset())
    assert missing.accepts_missing() and not present.accepts_missing()


@pytest.mark.parametrize("raw", ["true", True, " true "])
def test_true(raw):
    test = parse_test(raw)
    assert test.kind == "bool" and test.values == frozenset({True})
    assert test(True) and not test(False)


@pytest.mark.parametrize("raw", ["false", False])
def test_false(raw):
    test = parse_test(raw)
    assert test.kind == "bool" and test.values == frozenset({False})
    assert test(False) and not test(True)


def test_a_word_and_a_list_of_words():
    one = parse_test("theft")
    assert one.kind == "word" and one("theft") and not one("fraud")
    several = parse_test("theft,  fraud ,shoplifting")
    assert several.values == frozenset({"theft", "fraud", "shoplifting"}) and not several.negated
    assert several("fraud") and several("shoplifting") and not several("burglary")


def test_words_may_hold_digits_and_underscores():
    test = parse_test("assault_occasioning_abh, section_18")
    assert test("section_18") and test("assault_occasioning_abh") and not test("section")


def test_not_excludes_the_words():
    test = parse_test("not(theft, fraud)")
    assert test.kind == "word" and test.negated and test.values == frozenset({"theft", "fraud"})
    assert test("burglary") and not test("theft") and not test("fraud")


def test_not_of_numbers():
    test = parse_test("not(1, 2)")
    assert test.kind == "number" and test.negated
    assert test(F(3)) and not test(F(1)) and not test(F(2))


@pytest.mark.parametrize("raw", ["12", 12])
def test_a_number_alone_is_equality(raw):
    test = parse_test(raw)
    assert test.kind == "number"
    assert test(F(12)) and test(12) and not test(F(13)) and not test(F(23, 2))


def test_a_yaml_float_is_read_as_an_exact_number():
    test = parse_test(4.5)
    assert test.kind == "number" and test.values == frozenset({F(9, 2)})
    assert test(F(9, 2)) and not test(F(4))


@pytest.mark.parametrize(("text", "below", "at", "above"), [
    (">= 12", False, True, True),
    ("> 12", False, False, True),
    ("<= 12", True, True, False),
    ("< 12", True, False, False),
    ("= 12", False, True, False),
    (">=12", False, True, True),
])
def test_comparisons_at_their_boundary(text, below, at, above):
    test = parse_test(text)
    assert test.kind == "number" and test.interval is not None
    assert (test(F(23, 2)), test(F(12)), test(F(25, 2))) == (below, at, above)


def test_comparisons_with_decimals_and_negatives():
    assert accepts("< 4.5", F(449, 100)) and not accepts("< 4.5", F(9, 2))
    assert accepts(">= -3", F(-3)) and not accepts(">= -3", F(-31, 10))
    assert accepts("> -0.5", F(0)) and not accepts("> -0.5", F(-1, 2))


@pytest.mark.parametrize(("text", "at_low", "inside", "at_high"), [
    ("[12..48]", True, True, True),
    ("(12..48]", False, True, True),
    ("[12..48)", True, True, False),
    ("(12..48)", False, True, False),
    ("[ 12 .. 48 ]", True, True, True),
])
def test_ranges_include_or_exclude_each_end(text, at_low, inside, at_high):
    test = parse_test(text)
    assert test.kind == "number"
    assert (test(F(12)), test(F(30)), test(F(48))) == (at_low, inside, at_high)
    assert not test(F(11)) and not test(F(49))
    assert not test(F(1199, 100)) and not test(F(4801, 100))


def test_a_range_of_one_value():
    assert accepts("[3..3]", F(3))
    assert not accepts("(3..3]", F(3)) and not accepts("[3..3)", F(3))


@pytest.mark.parametrize(("text", "months", "expected"), [
    ("< 5 years", F(59), True),
    ("< 5 years", F(60), False),
    ("< 5 years", F(119, 2), True),
    (">= 6 months", F(6), True),
    (">= 6 months", F(5), False),
    ("> 1 year", F(12), False),
    ("> 1 year", F(13), True),
    ("<= 1 month", F(1), True),
    ("[2 years..5 years)", F(24), True),
    ("[2 years..5 years)", F(23), False),
    ("[2 years..5 years)", F(60), False),
    ("[2 years..5 years)", F(59), True),
    ("(6 months..2 years]", F(6), False),
    ("(6 months..2 years]", F(24), True),
    ("1.5 years", F(18), True),
    ("18 months", F(18), True),
])
def test_durations_are_compared_in_months(text, months, expected):
    test = parse_test(text)
    assert test.kind == "number"
    assert test(months) is expected


def test_duration_literals_are_months():
    assert parse_test("< 5 years").interval == Interval(high=F(60), high_open=True)
    assert parse_test(">= 6 months").interval == Interval(low=F(6))
    assert parse_test("[2 years..5 years)").interval == Interval(F(24), F(60), False, True)


@pytest.mark.parametrize(("text", "day", "expected"), [
    (">= 2020-11-28", date(2020, 11, 28), True),
    (">= 2020-11-28", date(2020, 11, 27), False),
    ("< 2020-11-28", date(2020, 11, 27), True),
    ("< 2020-11-28", date(2020, 11, 28), False),
    ("2020-11-28", date(2020, 11, 28), True),
    ("2020-11-28", date(2020, 11, 29), False),
    ("[2013-05-29..2020-11-28)", date(2013, 5, 29), True),
    ("[2013-05-29..2020-11-28)", date(2020, 11, 28), False),
    ("(2013-05-29..2020-11-28]", date(2013, 5, 29), False),
    ("(2013-05-29..2020-11-28]", date(2020, 11, 28), True),
    ("not(2020-11-28)", date(2020, 11, 29), True),
])
def test_dates(text, day, expected):
    test = parse_test(text)
    assert test.kind == "date"
    assert test(day) is expected


def test_a_yaml_date_is_read_as_a_date_test():
    test = parse_test(date(2020, 11, 28))
    assert test.kind == "date" and test(date(2020, 11, 28)) and not test(date(2020, 11, 29))


DUTIES = frozenset({"medication", "lone_working"})


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("includes medication", DUTIES, True),
    ("includes medication", frozenset({"lone_working"}), False),
    ("includes medication", frozenset(), False),
    ("includes any(cash_handling, medication)", DUTIES, True),
    ("includes any(cash_handling, records_access)", DUTIES, False),
    ("includes any(cash_handling, records_access)", frozenset(), False),
    ("includes all(medication, lone_working)", DUTIES, True),
    ("includes all(medication, lone_working)", DUTIES | {"driving"}, True),
    ("includes all(medication, driving)", DUTIES, False),
    ("includes all(medication)", frozenset({"medication"}), True),
    ("includes medication, driving", frozenset({"driving"}), True),
    ("empty", frozenset(), True),
    ("empty", DUTIES, False),
    ("not empty", DUTIES, True),
    ("not empty", frozenset(), False),
])
def test_sets(text, value, expected):
    test = parse_test(text)
    assert test.kind == "set"
    assert test(value) is expected


def test_set_tests_keep_their_words_for_the_linter():
    assert parse_test("includes any(a, b)").values == frozenset({"a", "b"})
    assert parse_test("includes all(a, b)").values == frozenset({"a", "b"})
    assert parse_test("includes a").values == frozenset({"a"})


def test_whitespace_inside_a_test_is_normalised():
    test = parse_test("  >=\n 5   years ")
    assert test.text == ">= 5 years" and test(F(60)) and not test(F(59))


# --- missing values ---------------------------------------------------------------------------

EVERY_SYNTAX = [
    "true", "false", "theft", "theft, fraud", "not(theft, fraud)", "not(1)", "12", ">= 12", "> 12", "<= 12",
    "< 4.5", "= 3", "[12..48]", "(12..48]", "[12..48)", "(12..48)", "< 5 years", ">= 6 months",
    "[2 years..5 years)", ">= 2020-11-28", "[2013-05-29..2020-11-28)", "2020-11-28", "includes medication",
    "includes any(a, b)", "includes all(a, b)", "empty", "not empty", "not missing",
]


@pytest.mark.parametrize("text", EVERY_SYNTAX)
def test_every_test_but_dash_and_missing_fails_on_a_missing_value(text):
    test = parse_test(text)
    assert test(None) is False
    assert not test.accepts_missing()


@pytest.mark.parametrize("text", ["-", "missing"])
def test_dash_and_missing_accept_a_missing_value(text):
    assert parse_test(text)(None) is True


def test_missing_is_never_false_or_zero():
    assert not parse_test("false")(None)
    assert not parse_test("0")(None)
    assert not parse_test("<= 0")(None)
    assert not parse_test("not(true)")(None)
    assert not parse_test("empty")(None)


# --- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    (">= theft", ">= compares numbers, durations or dates, not 'theft'"),
    ("< fraud", "< compares numbers, durations or dates"),
    ("[5..1]", "a range must go from low to high: '[5..1]'"),
    ("[5 years..1 year]", "a range must go from low to high"),
    ("[1..theft]", "a range needs two numbers, durations or dates of the same kind"),
    ("[2020-01-01..5]", "a range needs two numbers, durations or dates of the same kind"),
    ("Theft", "cannot read 'Theft': expected a number, a date (YYYY-MM-DD), a duration (6 months, 5 years), "
              "true, false or a lower-case word"),
    ("a,,b", "a list needs a value between each pair of commas"),
    ("theft,", "a list needs a value between each pair of commas"),
    ("1, theft", "a list must hold values of one kind"),
    ("true, theft", "a list must hold values of one kind"),
    ("not(1, theft)", "a list must hold values of one kind"),
    ("5 fortnights", "cannot read '5 fortnights'"),
    ("includes any()", "cannot read"),
    ("", "expected a test written as text, found ''"),
    ("   ", "expected a test written as text"),
])
def test_syntax_errors_say_what_was_expected(text, message):
    with pytest.raises(SyntaxProblem) as err:
        parse_test(text)
    assert message in str(err.value)


@pytest.mark.parametrize("raw", [None, ["theft"], {"a": 1}])
def test_a_cell_that_is_not_text_is_refused(raw):
    with pytest.raises(SyntaxProblem, match="expected a test written as text, found"):
        parse_test(raw)


def test_syntax_errors_are_value_errors():
    """The loader catches ValueError; a TestSyntaxError must be one."""
    assert issubclass(SyntaxProblem, ValueError)


def test_an_impossible_date_is_a_syntax_error_naming_the_text():
    with pytest.raises(SyntaxProblem, match="2020-02-30"):
        parse_test(">= 2020-02-30")


# --- Interval.intersects -----------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "expected"), [
    (Interval(1, 2), Interval(2, 3), True),                                   # [1..2] [2..3]
    (Interval(1, 2, high_open=True), Interval(2, 3), False),                  # [1..2) [2..3]
    (Interval(1, 2), Interval(2, 3, low_open=True), False),                   # [1..2] (2..3]
    (Interval(1, 2, high_open=True), Interval(2, 3, low_open=True), False),   # [1..2) (2..3]
    (Interval(1, 2), Interval(3, 4), False),
    (Interval(1, 3), Interval(2, 4), True),
    (Interval(1, 4), Interval(2, 3), True),
    (Interval(3, 3), Interval(3, 3), True),
    (Interval(3, 3), Interval(1, 3, high_open=True), False),
    (Interval(high=2), Interval(low=2), True),                                # <= 2, >= 2
    (Interval(high=2, high_open=True), Interval(low=2), False),               # < 2, >= 2
    (Interval(high=2), Interval(low=2, low_open=True), False),                # <= 2, > 2
    (Interval(high=5), Interval(high=1), True),                               # both unbounded below
    (Interval(low=5), Interval(low=9), True),                                 # both unbounded above
    (Interval(low=5), Interval(high=4), False),
    (Interval(), Interval(7, 7), True),
    (Interval(date(2020, 1, 1), date(2020, 6, 30)), Interval(low=date(2020, 6, 30)), True),
    (Interval(date(2020, 1, 1), date(2020, 6, 30), high_open=True), Interval(low=date(2020, 6, 30)), False),
])
def test_interval_intersects_at_touching_ends(a, b, expected):
    assert a.intersects(b) is expected
    assert b.intersects(a) is expected


def test_parsed_ranges_that_touch():
    five = parse_test("[2 years..5 years)").interval
    assert not five.intersects(parse_test(">= 5 years").interval)
    assert five.intersects(parse_test("> 4 years").interval)
    assert not five.intersects(parse_test("< 2 years").interval)
    assert five.intersects(parse_test("<= 2 years").interval)


# --- properties --------------------------------------------------------------------------------

QUARTERS = st.integers(-400, 400).map(lambda k: F(k, 4))


def number_text(value: Fraction) -> str:
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    assert F(text) == value
    return text


def in_interval(v, low, high, low_open, high_open) -> bool:
    above = low is None or v > low or (v == low and not low_open)
    below = high is None or v < high or (v == high and not high_open)
    return above and below


@st.composite
def range_and_value(draw):
    a, b = draw(QUARTERS), draw(QUARTERS)
    low_open, high_open = draw(st.booleans()), draw(st.booleans())
    value = draw(st.one_of(st.sampled_from([a, b, a - F(1, 8), b + F(1, 8)]),
                           st.integers(-900, 900).map(lambda k: F(k, 8))))
    return a, b, low_open, high_open, value


@settings(max_examples=400, deadline=None)
@given(range_and_value())
def test_a_value_is_accepted_iff_it_lies_in_the_range(drawn):
    a, b, low_open, high_open, value = drawn
    text = f"{'(' if low_open else '['}{number_text(a)}..{number_text(b)}{')' if high_open else ']'}"
    if a > b:
        with pytest.raises(SyntaxProblem, match="from low to high"):
            parse_test(text)
        return
    test = parse_test(text)
    assert test(value) is in_interval(value, a, b, low_open, high_open), text
    assert test(None) is False


@settings(max_examples=300, deadline=None)
@given(op=st.sampled_from(["<", "<=", ">", ">=", "="]), bound=QUARTERS,
       value=st.integers(-900, 900).map(lambda k: F(k, 8)), spaced=st.booleans())
def test_a_value_is_accepted_iff_the_comparison_holds(op, bound, value, spaced):
    test = parse_test(f"{op}{' ' if spaced else ''}{number_text(bound)}")
    expected = {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound,
                "=": value == bound}[op]
    assert test(value) is expected
    assert test(value) is test.interval.contains(value)


ENDS = st.one_of(st.none(), QUARTERS)


@st.composite
def intervals(draw):
    low, high = draw(ENDS), draw(ENDS)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Interval(low, high, draw(st.booleans()) if low is not None else False,
                    draw(st.booleans()) if high is not None else False)


@settings(max_examples=400, deadline=None)
@given(intervals(), intervals())
def test_intervals_intersect_iff_they_share_a_value(a, b):
    # Ends lie on quarters, so a shared stretch is a single closed end, or holds a value an eighth
    # inside one of its ends, or (unbounded both ways) holds 0: those values decide the answer.
    ends = [e for i in (a, b) for e in (i.low, i.high) if e is not None]
    candidates = {F(0)} | {e + d for e in ends for d in (F(-1, 8), F(0), F(1, 8))}
    shared = any(a.contains(v) and b.contains(v) for v in candidates)
    assert a.intersects(b) is shared
    assert b.intersects(a) is shared
