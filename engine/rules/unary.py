"""The condition language: DMN-style unary tests, parsed into closures (never Python eval).

A test is written as text in a rule file cell and applies to one fact's value:

    -                     any value, missing included
    missing / not missing whether the fact has a value
    true, false           a boolean
    theft, fraud          any of these words (an enumerated value)
    not(theft, fraud)     none of these (a missing value fails)
    12, >= 12, < 4.5      numbers and comparisons
    [12..48], (12..48]    ranges: [ ] include the end, ( ) exclude it
    < 5 years, >= 6 months  durations (facts of type months are compared in months)
    >= 2020-11-28         dates
    includes medication   sets (a role's duties): contains the word
    includes any(a, b)    contains at least one;  includes all(a, b): contains every one
    empty / not empty     a set with no members / with some

Any test except `-` and `missing` fails on a missing value: missing is never silently
treated as false or zero. Each parsed test keeps an analysable shape (a set of values, an
interval, or "any") so the linter can find overlaps, gaps and unreachable rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

DURATION_UNITS = {"year": 12, "years": 12, "month": 1, "months": 1}


class TestSyntaxError(ValueError):
    """A test that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Interval:
    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, v: Any) -> bool:
        if self.low is not None and (v < self.low or (self.low_open and v == self.low)):
            return False
        return not (self.high is not None and (v > self.high or (self.high_open and v == self.high)))

    def intersects(self, other: Interval) -> bool:
        lo, lo_open = _max_bound(self.low, self.low_open, other.low, other.low_open)
        hi, hi_open = _min_bound(self.high, self.high_open, other.high, other.high_open)
        if lo is None or hi is None:
            return True
        return lo < hi or (lo == hi and not lo_open and not hi_open)


def _max_bound(a, a_open, b, b_open):
    if a is None:
        return b, b_open
    if b is None or a > b:
        return a, a_open
    if b > a:
        return b, b_open
    return a, a_open or b_open


def _min_bound(a, a_open, b, b_open):
    if a is None:
        return b, b_open
    if b is None or a < b:
        return a, a_open
    if b < a:
        return b, b_open
    return a, a_open or b_open


@dataclass(frozen=True)
class Test:
    """A parsed unary test: its text, what kind of value it expects, and its shape for the linter."""

    text: str
    kind: str                      # any | missing | present | bool | word | number | date | set
    check: Callable[[Any], bool] = field(compare=False, repr=False)
    values: frozenset | None = None      # bool/word: the accepted values
    duration: bool = False               # written as a duration (6 months, 5 years): for month facts
    negated: bool = False                # values are the excluded ones
    interval: Interval | None = None     # number/date: the accepted interval

    def __post_init__(self) -> None:
        object.__setattr__(self, "fast", _fast(self))

    def __call__(self, value: Any) -> bool:
        return self.fast(value)

    def accepts_missing(self) -> bool:
        return self.kind in ("any", "missing")


def _fast(test: Test) -> Callable[[Any], bool]:
    """The test as one small closure; every test but `-` and `missing` fails on a missing value."""
    if test.kind == "any":
        return lambda v: True
    if test.kind == "missing":
        return lambda v: v is None
    if test.kind == "present":
        return lambda v: v is not None
    if test.values is not None and test.kind != "set":
        values = test.values
        return (lambda v: v is not None and v not in values) if test.negated else values.__contains__
    if test.interval is not None:
        return _interval_closure(test.interval)
    check = test.check
    return lambda v: v is not None and check(v)


def _interval_closure(iv: Interval) -> Callable[[Any], bool]:
    low, high = iv.low, iv.high
    if high is None:
        return (lambda v: v is not None and v > low) if iv.low_open else (lambda v: v is not None and v >= low)
    if low is None:
        return (lambda v: v is not None and v < high) if iv.high_open else (lambda v: v is not None and v <= high)
    return lambda v: v is not None and iv.contains(v)


def _number(text: str) -> int | Fraction:
    """Whole numbers stay ints (fast to compare); others are exact fractions."""
    value = Fraction(text)
    return int(value) if value.denominator == 1 else value


_NUMBER = r"-?\d+(?:\.\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_WORD = r"[a-z][a-z0-9_]*"


def _scalar(text: str) -> tuple[str, Any]:
    """A literal: a date, a duration (in months), a number, a boolean or a word."""
    text = text.strip()
    if re.fullmatch(_DATE, text):
        try:
            return "date", date.fromisoformat(text)
        except ValueError as exc:
            raise TestSyntaxError(f"{text!r} is not a date in the calendar ({exc})") from exc
    m = re.fullmatch(rf"({_NUMBER})\s+({'|'.join(DURATION_UNITS)})", text)
    if m:
        months = _number(m.group(1)) * DURATION_UNITS[m.group(2)]
        return "number", int(months) if months == int(months) else months
    if re.fullmatch(_NUMBER, text):
        return "number", _number(text)
    if text in ("true", "false"):
        return "bool", text == "true"
    if re.fullmatch(_WORD, text):
        return "word", text
    raise TestSyntaxError(f"cannot read {text!r}: expected a number, a date (YYYY-MM-DD), a duration "
                          "(6 months, 5 years), true, false or a lower-case word")


def _words(inner: str) -> frozenset:
    items = [i.strip() for i in inner.split(",")]
    if not all(items):
        raise TestSyntaxError("a list needs a value between each pair of commas")
    return frozenset(_scalar(i)[1] for i in items)


def _list_kind(values: frozenset) -> str:
    kinds = {"bool" if isinstance(v, bool) else "number" if isinstance(v, (int, Fraction))
             else "date" if isinstance(v, date) else "word" for v in values}
    if len(kinds) != 1:
        raise TestSyntaxError("a list must hold values of one kind")
    return kinds.pop()


def _comparison(text: str) -> Test | None:
    m = re.fullmatch(r"(<=|>=|<|>|=)\s*(.+)", text)
    if not m:
        return None
    op, (kind, value) = m.group(1), _scalar(m.group(2))
    if kind not in ("number", "date"):
        raise TestSyntaxError(f"{op} compares numbers, durations or dates, not {m.group(2)!r}")
    interval = {"<": Interval(high=value, high_open=True), "<=": Interval(high=value),
                ">": Interval(low=value, low_open=True), ">=": Interval(low=value),
                "=": Interval(low=value, high=value)}[op]
    return Test(text, kind, interval.contains, interval=interval)


def _range(text: str) -> Test | None:
    m = re.fullmatch(r"([\[(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])])", text)
    if not m:
        return None
    (k1, low), (k2, high) = _scalar(m.group(2)), _scalar(m.group(3))
    if k1 != k2 or k1 not in ("number", "date"):
        raise TestSyntaxError("a range needs two numbers, durations or dates of the same kind")
    if low > high:
        raise TestSyntaxError(f"a range must go from low to high: {text!r}")
    interval = Interval(low, high, m.group(1) == "(", m.group(4) == ")")
    return Test(text, k1, interval.contains, interval=interval)


def _set_test(text: str) -> Test | None:
    if text in ("empty", "not empty"):
        want_empty = text == "empty"
        return Test(text, "set", lambda v: (len(v) == 0) == want_empty)
    m = re.fullmatch(r"includes\s+(?:(any|all)\((.+)\)|(.+))", text)
    if not m:
        return None
    mode, inner = (m.group(1) or "any"), (m.group(2) or m.group(3))
    wanted = _words(inner)
    if mode == "all":
        return Test(text, "set", lambda v: wanted <= set(v), values=wanted)
    return Test(text, "set", lambda v: bool(wanted & set(v)), values=wanted)


def parse_test(raw: Any) -> Test:
    """Parse one cell. YAML booleans and numbers are accepted as themselves."""
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    elif isinstance(raw, (int, float)):
        raw = str(raw)
    elif isinstance(raw, date):
        raw = raw.isoformat()
    if not isinstance(raw, str) or not raw.strip():
        raise TestSyntaxError(f"expected a test written as text, found {raw!r}")
    text = " ".join(raw.split())
    test = _parse(text)
    if re.search(rf"\d\s+({'|'.join(DURATION_UNITS)})\b", text):
        object.__setattr__(test, "duration", True)
    return test


def _parse(text: str) -> Test:
    if text == "-":
        return Test(text, "any", lambda v: True)
    if text in ("missing", "not missing"):
        return Test(text, "missing" if text == "missing" else "present", lambda v: True)
    for reader in (_comparison, _range, _set_test):
        test = reader(text)
        if test is not None:
            return test
    m = re.fullmatch(r"not\((.+)\)", text)
    values = _words(m.group(1) if m else text)
    kind = _list_kind(values)
    if m:
        return Test(text, kind, lambda v: v not in values, values=values, negated=True)
    return Test(text, kind, lambda v: v in values, values=values)
