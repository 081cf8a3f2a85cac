"""Properties of the assessment framework (issue 4): what may not be considered never counts, and
more serious, recent, relevant offending never makes the recommendation more favourable."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import case_data, case_dump, validate

from engine.legal.layer import assess_legal
from engine.report.assess import assess
from engine.report.catalogue import derive_facts
from engine.report.rulebase import load_rules
from engine.rules.native import evaluate

RULES = load_rules()
FILTERING_2020 = date(2020, 11, 28)       # each record judged on its own from here (no single-conviction rule)
RANK = {"appoint": 0, "appoint_with_safeguards": 1, "refer_to_panel": 2, "needs_information": 3,
        "cannot_appoint": 4}


def _report(data: dict) -> dict:
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    return assess(case, RULES, case.assessed_on)


@settings(max_examples=300, deadline=None)
@given(case_data(on_min=FILTERING_2020, min_records=1))
def test_records_that_may_not_be_considered_never_change_the_outcome_or_a_factor(data):
    """Given the legal results, the framework's rules give the same outcome and factors with or without
    the records that may not be considered: no rule lets a set-aside record count.

    (Removing such a record from the case itself can change another record's legal status, which is
    the law: a conviction kept spent by the 2014 transitional rule can still hold a same-day conviction
    by drag-through. That is the legal layer's business, tested in test_properties.py.)
    """
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    legal = assess_legal(case, RULES, case.assessed_on)
    case_facts, record_facts = derive_facts(case, legal, RULES.tables)
    set_aside = {rid for rid, facts in record_facts.items() if facts["considered"] is False}
    assume(set_aside)
    kept = {rid: facts for rid, facts in record_facts.items() if rid not in set_aside}
    full = evaluate(RULES.book, case_facts, record_facts, case.assessed_on, with_trace=False)
    reduced = evaluate(RULES.book, case_facts, kept, case.assessed_on, with_trace=False)
    assert reduced.case_facts == full.case_facts
    assert reduced.record_facts == {rid: f for rid, f in full.record_facts.items() if rid not in set_aside}
    assert list(reduced.findings) == [f for f in full.findings if f.subject not in set_aside]


@settings(max_examples=200, deadline=None)
@given(case_data(on_min=FILTERING_2020, min_records=0, max_records=4), st.booleans())
def test_a_considered_relevant_recent_serious_record_never_makes_the_outcome_more_favourable(data, linked):
    on = date.fromisoformat(data["assessed_on"])
    day = on - timedelta(days=90)
    born = date.fromisoformat(data["applicant"]["date_of_birth"])
    assume(day.year - born.year > 19)
    role = dict(data["role"], duties=sorted(set(data["role"].get("duties", [])) | {"cash_handling"}))
    before = _report(dict(data, role=role))
    added = {"id": "RX", "kind": "conviction", "date": day.isoformat(), "offence": "Fraud by false representation",
             "offence_category": "fraud", "specified_offence": False, "schedule_18": False, "self_disclosed": True,
             "sentences": [{"type": "custody", "length": {"months": 6}}]}
    after = _report(dict(data, role=role, records=[*data["records"], added]))
    assert next(r for r in after["records"] if r["id"] == "RX")["considered"] is True
    assert RANK[after["outcome"]] >= RANK[before["outcome"]], (before["outcome"], after["outcome"])


def test_the_helpers_build_valid_variants():
    """A generated case survives the dump used to build variants (so the properties test real cases)."""
    data = {"format": "case/1", "case_id": "C-T-0001", "assessed_on": "2026-11-22",
            "applicant": {"ref": "A-T001", "date_of_birth": "1990-01-01"}, "role": {"check_level": "enhanced"}}
    assert case_dump(validate(data, date(2026, 11, 22)))["case_id"] == "C-T-0001"
