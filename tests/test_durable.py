"""The durable_rules evaluator gives the same findings and outcomes as the native one, and its hazards are contained."""

import threading
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import cases

from engine.case.loader import case_from_data, load_case
from engine.legal.layer import assess_legal
from engine.report.catalogue import derive_facts
from engine.report.rulebase import load_rules
from engine.rules import durable_eval
from engine.rules.durable_eval import DurableCompileError, DurableUnavailable, evaluate_durable
from engine.rules.native import evaluate
from engine.services.casebank import casebank_files, split_expect

pytest.importorskip("durable.lang", reason="durable_rules is an optional extra (not on Python 3.13)")

RULES = load_rules()
ROOT = Path(__file__).resolve().parents[1] / "casebank"


def _both(case):
    legal = assess_legal(case, RULES, case.assessed_on)
    case_facts, record_facts = derive_facts(case, legal, RULES.tables)
    native = evaluate(RULES.book, case_facts, record_facts, case.assessed_on)
    durable = evaluate_durable(RULES.book, case_facts, record_facts, case.assessed_on)
    return native, durable


def _assert_same(native, durable):
    key = [(f.ruleset, f.rule, f.subject, tuple(sorted(f.outputs.items()))) for f in native.findings]
    assert [(f.ruleset, f.rule, f.subject, tuple(sorted(f.outputs.items()))) for f in durable.findings] == key
    assert durable.case_facts == native.case_facts
    assert durable.record_facts == native.record_facts


def _casebank_cases():
    for file in casebank_files(ROOT):
        data, _, lines = split_expect(file)
        yield file.name, case_from_data(data, lines, str(file), RULES.tables)
    for file in sorted((ROOT / "demo").glob("*.yaml")):
        yield file.name, load_case(file, RULES.tables)


@pytest.mark.parametrize(("name", "case"), list(_casebank_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_both_evaluators_agree_on_every_casebank_case(name, case):
    _assert_same(*_both(case))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(min_records=1))
def test_both_evaluators_agree_on_generated_cases(case):
    _assert_same(*_both(case))


def test_a_catch_all_rule_matches_every_fact(monkeypatch):
    """A fact that no rule matches is still matched (by the catch-all), so no work is deferred."""
    seen = []
    real = durable_eval._action
    monkeypatch.setattr(durable_eval, "_action", lambda rule_id: (lambda c: seen.append(rule_id)) if rule_id is None
                        else real(rule_id))
    monkeypatch.setattr(durable_eval, "_compiled", {})
    cset = RULES.book.get("framework.recency")
    matched = durable_eval.durable_matches(RULES.book)(cset, {}, None, "R1", date(2026, 1, 1), None)
    assert matched == []
    assert seen == [None]


def test_session_state_is_deleted_after_each_subject():
    case = next(c for n, c in _casebank_cases() if len(c.records) >= 2)
    for _ in range(3):
        _both(case)
    assert durable_eval._fired == {}
    name = durable_eval._compiled[f"{RULES.book.version}/framework.recency"]
    last = f"s{next(durable_eval._sessions) - 1}"
    with pytest.raises(Exception):  # noqa: B017 - durable raises a bare Exception for an unknown session
        durable_eval.durable.get_host().get_ruleset(name).get_state(last)


def test_an_exception_in_an_action_is_raised_not_stored(monkeypatch):
    def failing(rule_id):
        def act(c):
            raise ValueError("action failed on purpose")
        return act

    monkeypatch.setattr(durable_eval, "_action", failing)
    monkeypatch.setattr(durable_eval, "_compiled", {})
    cset = RULES.book.get("framework.recency")
    matches = durable_eval.durable_matches(RULES.book)
    with pytest.raises(RuntimeError, match="action failed on purpose"):
        matches(cset, {"considered": True, "time_since_record": Fraction(3)}, None, "R1", date(2026, 1, 1), None)


@pytest.mark.parametrize("definition", [
    {"r_0": {"all": [{"first": {"t": "a"}}, {"second": {"v": {"first": "v"}}}]}},
    {"r_0": {"all": [{"m": {"$lt": {"x": {"other": "y"}}}}]}},
    {"r_0": {"all": [{"m": {"$and": [{"a": 1}, {"v": {"first": "v"}}]}}]}},
], ids=["two-facts", "compare-to-field", "nested-join"])
def test_rules_joining_two_facts_are_refused(definition):
    with pytest.raises(DurableCompileError, match="join"):
        durable_eval._refuse_joins_in_ruleset(definition, RULES.book.get("framework.recency"))


def test_the_project_rules_compile_without_joins():
    for cset in RULES.book.sets:
        durable_eval._compile(RULES.book, cset)


def test_concurrent_threads_are_serialised_by_one_lock():
    case = next(c for n, c in _casebank_cases() if len(c.records) >= 3)
    expected = _both(case)[0]
    errors, results = [], []

    def work():
        try:
            for _ in range(20):
                results.append(_both(case)[1])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 120
    for result in results:
        assert result.record_facts == expected.record_facts


def test_missing_durable_rules_gives_a_clear_message(monkeypatch):
    monkeypatch.setattr(durable_eval, "durable", None)
    with pytest.raises(DurableUnavailable, match="pip install 'fairchance\\[durable\\]'"):
        durable_eval.durable_matches(RULES.book)
