"""Properties of the legal assessment that must hold for every valid case (hypothesis).

The cases come from tests/strategies.py: every one is accepted by the loader. Each property
assesses with engine.report.assess.assess, the same pure function the command line uses.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, example, given, note, settings
from hypothesis import strategies as st
from strategies import CAUTION_KINDS, LAST_DAY, MAX_RECORDS, case_dump, cases, validate, with_records

from engine.files.problems import InputError
from engine.report.assess import assess
from engine.report.rulebase import load_rules

RULES = load_rules()

FILTERING_2020 = date(2020, 11, 28)      # the 2013 single-conviction rule ends (SI 2020/1373)
PCSC_2023 = date(2023, 10, 28)          # rehabilitation periods and filtering rules of 28 October 2023
CUSTODIAL = ("custody", "suspended_sentence", "detention_training_order")
EXCEPTIONS_ORDER_LEVELS = {"standard", "enhanced"}
RESULT_FIELDS = ("spent_on", "spent", "disclosed", "protected", "considered")


def report_of(case, on: date | None = None) -> dict[str, Any]:
    return assess(case, RULES, on or case.assessed_on)


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report["records"]}


# Found by test_record_order_never_changes_the_report: R1 is held by both R2 and R3 (same day, same
# sentence); the drag-through reason names whichever of the two comes first in the input.
ORDER_TIE = {
    "format": "case/1", "case_id": "C-T-0001", "assessed_on": "2024-12-01",
    "applicant": {"ref": "A-T001", "date_of_birth": "1990-01-01"}, "role": {"check_level": "basic"},
    "records": [{"id": rid, "kind": "conviction", "date": day, "sentences": [{"type": "fine"}]}
                for rid, day in (("R1", "2024-01-10"), ("R2", "2024-06-01"), ("R3", "2024-06-01"))],
}


@settings(max_examples=150, deadline=None)
@example(case=validate(ORDER_TIE), order=(0, 2, 1, 3, 4, 5))
@given(case=cases(min_records=2), order=st.permutations(range(MAX_RECORDS)))
def test_record_order_never_changes_the_report(case, order):
    shuffled = with_records(case, [case.records[i] for i in order if i < len(case.records)])
    note(f"order: {[r.id for r in shuffled.records]}")
    assert report_of(shuffled) == report_of(case)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_report_is_identical_on_repeat_and_serialises_deterministically(case):
    first = report_of(case)
    again = report_of(validate(case_dump(case), case.assessed_on))
    assert first == again
    text = json.dumps(first, sort_keys=True)
    assert text == json.dumps(again, sort_keys=True)
    assert json.loads(text) == first, "the report must be plain JSON data (no tuples, dates or objects)"


@settings(max_examples=300, deadline=None)
@given(cases(min_records=1))
def test_a_protected_record_is_never_considered(case):
    for record in report_of(case)["records"]:
        if record["protected"] is True:
            assert record["considered"] is False, record["id"]


@settings(max_examples=250, deadline=None)
@given(cases(on_min=FILTERING_2020, min_records=2, first_kinds=CAUTION_KINDS))
def test_removing_a_protected_caution_changes_no_other_record(case):
    """A protected record must not be taken into account, so it cannot change another record's result.

    Two exceptions limit this property, and both are the law, not engine choices:
      - Under the 2013-2020 filtering rules a conviction was filtered only if it was the person's
        only conviction (Exceptions Order art. 2A(3)(b) as made by SI 2013/1198; removed from
        28 November 2020 by SI 2020/1373 after R (P, G and W) v SSHD [2019] UKSC 3): there the
        number of convictions changes other records' protection. So the as-at dates here are
        from 2020-11-28 onward.
      - Drag-through (ROA 1974 s.6(4)): a conviction received while an earlier one is unspent keeps
        both unspent, so removing a conviction - even a protected one - may lawfully change
        another conviction's spent date. Cautions never drag (s.6(4) speaks of convictions; a
        caution's period is in Sch.2 and stands alone), so only protected cautions are removed.
    """
    report = by_id(report_of(case))
    protected = [r.id for r in case.records if r.kind in CAUTION_KINDS and report[r.id]["protected"] is True]
    assume(protected)
    for rid in protected:
        reduced = by_id(report_of(with_records(case, [r for r in case.records if r.id != rid])))
        for other, result in reduced.items():
            for field in RESULT_FIELDS:
                assert result[field] == report[other][field], f"removing protected {rid} changed {other}.{field}"


@settings(max_examples=250, deadline=None)
@given(data=st.data())
def test_within_one_regime_time_never_unspends_nor_unprotects(data):
    case = data.draw(cases(on_min=PCSC_2023, on_max=LAST_DAY - timedelta(days=1)))
    t1 = case.assessed_on
    t2 = data.draw(st.dates(t1 + timedelta(days=1), LAST_DAY))
    before, after = by_id(report_of(case, t1)), by_id(report_of(case, t2))
    for rid, early in before.items():
        late = after[rid]
        assert late["spent_on"] == early["spent_on"], f"{rid}: the first spent day moved within one regime"
        if early["spent"] is True:
            assert late["spent"] is True, f"{rid}: spent on {t1}, not spent on {t2}"
        if early["protected"] is True:
            assert late["protected"] is True, f"{rid}: protected on {t1}, not protected on {t2}"


@settings(max_examples=300, deadline=None)
@given(cases(min_records=1))
def test_considered_follows_its_definition(case):
    exceptions_order = case.role.check_level in EXCEPTIONS_ORDER_LEVELS
    for r in report_of(case)["records"]:
        if None in (r["protected"], r["spent"], r["considered"]):
            continue
        assert r["considered"] == (not r["protected"] and (not r["spent"] or exceptions_order)), r["id"]


@settings(max_examples=300, deadline=None)
@given(cases(min_records=1))
def test_disclosure_follows_spent_and_protected(case):
    for r in report_of(case)["records"]:
        shown = r["disclosed"]
        if r["spent"] is not None:
            assert shown["basic"] == (not r["spent"]), r["id"]
        if r["protected"] is not None:
            assert shown["standard"] == (not r["protected"]), r["id"]
            assert shown["enhanced"] == (not r["protected"]), r["id"]


@settings(max_examples=300, deadline=None)
@given(cases(min_records=1, first_kinds=("conviction",), first_sentence_types=CUSTODIAL))
def test_a_custodial_conviction_is_never_protected(case):
    report = by_id(report_of(case))
    custodial = [r.id for r in case.records if any(s.type in CUSTODIAL for s in r.sentences)]
    assert custodial, "the strategy must give R1 a custodial sentence"
    for rid in custodial:
        assert report[rid]["protected"] is False, rid


# Consecutive terms are one term in law: the loader refuses what no period could be computed for.

def _rejected(sentences: list[dict[str, Any]], born: str, day: str, on: date) -> str:
    data = {"format": "case/1", "case_id": "C-T-0001", "assessed_on": on.isoformat(),
            "applicant": {"ref": "A-T001", "date_of_birth": born}, "role": {"check_level": "enhanced"},
            "records": [{"id": "R1", "kind": "conviction", "date": day, "specified_offence": False,
                         "schedule_18": False, "sentences": sentences}]}
    with pytest.raises(InputError) as err:
        validate(data, on)
    return str(err.value)


def test_consecutive_suspended_sentences_over_the_maximum_are_rejected():
    message = _rejected([{"type": "suspended_sentence", "length": {"months": 24}},
                         {"type": "suspended_sentence", "length": {"months": 24}, "consecutive": True}],
                        "1990-01-01", "2016-01-01", date(2026, 1, 1))
    assert "records[0].sentences[1].length" in message and "total 48 months" in message
    assert "at most 24 months in all" in message


def test_consecutive_dtos_over_the_maximum_are_rejected():
    message = _rejected([{"type": "detention_training_order", "length": {"months": 24}},
                         {"type": "detention_training_order", "length": {"months": 24}, "consecutive": True}],
                        "1990-01-01", "2005-06-01", date(2010, 1, 1))
    assert "at most 24 months in all" in message


@pytest.mark.parametrize("sentences", [
    [{"type": "custody", "custody_form": "life"}, {"type": "custody", "length": {"months": 3}, "consecutive": True}],
    [{"type": "custody", "length": {"months": 3}}, {"type": "custody", "custody_form": "life", "consecutive": True}],
], ids=["after-life", "life-consecutive"])
def test_consecutive_terms_with_a_life_sentence_are_rejected(sentences):
    message = _rejected(sentences, "1990-01-01", "2016-01-01", date(2026, 1, 1))
    assert "records[0].sentences[1].consecutive" in message and "fixed length" in message
