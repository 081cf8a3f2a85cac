"""Every problem of a case at once, for a form (engine.case.loader.case_problems), and the check a post's setting
and duties propose (engine.legal.posts)."""

from __future__ import annotations

import copy

import pytest

from engine.case.loader import case_from_data, case_problems
from engine.files.problems import InputError
from engine.legal.posts import propose_check
from engine.report.rulebase import load_rules

RULES = load_rules()
GOOD = {"format": "case/1", "case_id": "C-P-1", "assessed_on": "2026-12-01",
        "applicant": {"date_of_birth": "1990-01-01"}, "role": {"check_level": "enhanced"},
        "records": [{"id": "R1", "kind": "conviction", "date": "2019-01-01",
                     "sentences": [{"type": "community_order", "length": {"months": 12}}]}]}


def problems(data: dict) -> dict[tuple, str]:
    return {p.path: p.message for p in case_problems(data, {}, "<form>", RULES.tables)}


def changed(**parts) -> dict:
    data = copy.deepcopy(GOOD)
    for key, value in parts.items():
        data[key] = value
    return data


def test_a_readable_case_has_the_same_problems_as_case_from_data():
    assert problems(GOOD) == {}
    late = changed(records=[{**GOOD["records"][0], "date": "2027-01-01"}])
    with pytest.raises(InputError) as info:
        case_from_data(late, {}, "<form>", RULES.tables)
    assert problems(late) == {p.path: p.message for p in info.value.problems}


def test_structural_problems_do_not_hide_the_checks_of_the_rest():
    data = changed(case_id="", applicant={}, records=[
        {"id": "R1", "kind": "conviction", "date": "2019-01-01"},                    # no sentence: a check
        {"id": "R2", "kind": "caution"},                                              # no date: structural
        {"id": "R3", "kind": "caution", "date": "2027-01-01"},                        # after the assessment date
        {"id": "R4", "kind": "youth_caution", "date": "2020-01-01"}])                 # needs an age: not checked
    found = problems(data)
    assert set(found) == {("case_id",), ("applicant", "date_of_birth"), ("records", 0, "sentences"),
                          ("records", 1, "date"), ("records", 2, "date")}, found
    assert "after the assessment date" in found[("records", 2, "date")]


def test_a_field_named_date_keeps_its_name_in_the_path():
    assert ("records", 0, "date") in problems(changed(records=[{"id": "R1", "kind": "caution", "date": "2021-02-30"}]))


def test_what_a_setting_and_duties_propose():
    community = propose_check(RULES.tables, "community", [])
    assert (community.check_level, community.barred_list_checks) == ("enhanced", ("adults",))
    assert community.sources, "a proposal says why"
    college = propose_check(RULES.tables, "recovery_college", [])
    assert (college.check_level, college.barred_list_checks) == ("standard", ())
    children = propose_check(RULES.tables, "recovery_college", ["children_contact"])
    assert (children.check_level, children.regulated_activity) == ("enhanced", ("children",))
    assert propose_check(RULES.tables, None, []).check_level is None
