"""What the engine keeps or skips to go faster must never change an answer.

- rule-set results kept by their inputs (engine/rules/native.py): a report is the same whether the
  results were kept from other cases or worked out afresh, and inputs equal in value but not in type
  (True and 1) are kept apart;
- the dates of change run only the rule sets the recommendation depends on: the recommendation is the
  one the whole evaluation gives on that day;
- spent days kept between the dates a case is assessed on (engine/legal/layer.py CaseMemo): the legal
  result on each date is the one a fresh assessment gives;
- regimes that began before every record are not worked out (engine/legal/spent.py): the spent days
  and their reasons are those of working out every regime in force.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import cases

from engine.case.loader import case_from_data
from engine.files.problems import InputError
from engine.legal.layer import CaseMemo, assess_legal
from engine.legal.periods import terms_of
from engine.legal.spent import _carry, spent_as_at, spent_under
from engine.legal.worlds import resolve, unknowns_of, world
from engine.report.assess import RECOMMENDATION, assess
from engine.report.catalogue import derive_facts
from engine.report.rulebase import load_rules
from engine.rules.native import _inputs, evaluate
from engine.services.casebank import casebank_files, split_expect
from engine.store.chain import canonical

RULES = load_rules()
CASEBANK = Path(__file__).resolve().parents[1] / "casebank"


@settings(max_examples=60, deadline=None)
@given(cases(), cases())
def test_kept_results_never_change_a_report(first, other):
    RULES.book.forget_kept()
    fresh = canonical(assess(first, RULES, first.assessed_on))
    assess(other, RULES, other.assessed_on)
    assert canonical(assess(first, RULES, first.assessed_on)) == fresh
    RULES.book.forget_kept()
    assert canonical(assess(first, RULES, first.assessed_on)) == fresh


def _casebank() -> list:
    out = []
    for file in casebank_files(CASEBANK):
        data, _, lines = split_expect(file)
        try:
            out.append(case_from_data(data, lines, str(file), RULES.tables))
        except InputError:
            continue   # the casebank's deliberately invalid cases
    return out


def test_kept_results_never_change_a_casebank_report():
    """Every casebank case afresh, then all of them in turn and in reverse with results kept throughout."""
    bank = _casebank()
    fresh = []
    for case in bank:
        RULES.book.forget_kept()
        fresh.append(canonical(assess(case, RULES, case.assessed_on)))
    RULES.book.forget_kept()
    assert [canonical(assess(c, RULES, c.assessed_on)) for c in bank] == fresh
    assert [canonical(assess(c, RULES, c.assessed_on)) for c in reversed(bank)] == fresh[::-1]


def test_inputs_equal_in_value_but_not_in_type_are_kept_apart():
    cset = RULES.book.get("framework.plan")
    name = cset.reads[0]
    assert _inputs(cset, 0, {name: True}, None) != _inputs(cset, 0, {name: 1}, None)
    assert _inputs(cset, 0, {name: True}, None) == _inputs(cset, 0, {name: True}, None)
    assert _inputs(cset, 0, {name: ["unhashable"]}, None) is None   # then nothing is kept


@settings(max_examples=60, deadline=None)
@given(cases(), st.integers(min_value=0, max_value=20 * 365))
def test_the_recommendation_on_a_later_day_needs_only_its_rule_sets(case, days):
    on = case.assessed_on + timedelta(days=days)
    legal = assess_legal(case, RULES, on)
    whole = evaluate(RULES.book, *derive_facts(case, legal, RULES.tables), on, with_trace=False)
    names = RULES.book.needs_of("assessment", RECOMMENDATION)
    part = evaluate(RULES.book, *derive_facts(case, legal, RULES.tables, names), on, with_trace=False,
                    wanted=RECOMMENDATION)
    assert part.case_facts["recommendation"] == whole.case_facts["recommendation"]
    assert len(RULES.book.stage("assessment", RECOMMENDATION)) < len(RULES.book.stage("assessment"))


@settings(max_examples=60, deadline=None)
@given(cases(), st.lists(st.integers(min_value=0, max_value=30 * 365), min_size=1, max_size=4))
def test_spent_days_kept_between_dates_give_the_fresh_answer(case, offsets):
    memo = CaseMemo(case)
    for days in offsets:
        on = case.assessed_on + timedelta(days=days)
        assert assess_legal(case, RULES, on, memo) == assess_legal(case, RULES, on)


@settings(max_examples=5, deadline=None)
@given(cases(), cases())
def test_a_memo_is_for_one_case(case, other):
    with pytest.raises(ValueError, match="memo"):
        assess_legal(case, RULES, case.assessed_on, CaseMemo(other))


def _every_regime(records, tables, on):
    """spent_as_at as the law reads it: every regime in force by the date, in turn."""
    result = {}
    terms = {f.id: terms_of(f, tables) for f in records if f.conviction}
    for regime in tables.regimes_up_to(on):
        current = spent_under(regime, records, terms, tables)
        if result and regime.earlier_spent_stays_spent:
            current = {rid: _carry(result[rid], now, regime) for rid, now in current.items()}
        result = current
    return result


@settings(max_examples=150, deadline=None)
@given(cases(), st.booleans(), st.integers(min_value=0, max_value=30 * 365))
def test_regimes_before_every_record_change_no_spent_day(case, favourable, days):
    on = case.assessed_on + timedelta(days=days)
    records = resolve(case, RULES.tables, world(unknowns_of(case, RULES.tables), favourable))
    assert spent_as_at(records, RULES.tables, on) == _every_regime(records, RULES.tables, on)
