"""Every casebank case gives its expected results, from its YAML file and from the same case as JSON."""

import json
from pathlib import Path

import pytest

from engine.case.loader import case_from_data, load_case
from engine.report.assess import assess
from engine.report.rulebase import load_rules
from engine.services.casebank import casebank_files, run_case, split_expect

ROOT = Path(__file__).resolve().parents[1] / "casebank"
RULES = load_rules()
TABLES = RULES.tables
CASES = casebank_files(ROOT)
DEMOS = sorted((ROOT / "demo").glob("*.yaml"))


def test_the_casebank_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("file", CASES, ids=lambda p: p.name)
def test_case_meets_its_expectations(file):
    result, _ = run_case(file, RULES)
    assert result.passed, "\n".join(result.mismatches)


@pytest.mark.parametrize("file", CASES, ids=lambda p: p.name)
def test_case_meets_its_expectations_on_durable_rules(file):
    pytest.importorskip("durable.lang", reason="durable_rules is an optional extra")
    result, _ = run_case(file, RULES, "durable")
    assert result.passed, "\n".join(result.mismatches)


RULE_IDS = {r.id for s in RULES.book.sets for r in s.rules}


@pytest.mark.parametrize("file", [p for p in CASES if "framework" in p.parts] + DEMOS, ids=lambda p: p.name)
def test_every_framework_case_has_a_recommendation_and_both_explanations(file):
    if "demo" in file.parts:
        case = load_case(file, TABLES)
    else:
        data, _, lines = split_expect(file)
        case = case_from_data(data, lines, str(file), TABLES)
    report = assess(case, RULES, case.assessed_on)
    rec = report["recommendation"]
    assert rec["outcome"] in {"appoint", "appoint_with_safeguards", "refer_to_panel", "cannot_appoint",
                              "needs_information"}
    assert rec["because"] and report["factors"]["recommendation"] == rec["outcome"]
    panel, letter = report["explanation"]["panel"], report["explanation"]["applicant_letter"]
    assert len(panel) >= 3 and any(line.startswith("Recommendation:") for line in panel)
    assert "not necessarily a bar" in letter and "Recruitment team" in letter
    assert not [rid for rid in RULE_IDS if rid in letter]
    assert not any(word in letter for word in ("Exceptions Order", "filtered", "spent", "protected"))
    clinical = [e.summary for e in (case.health.illness_episodes if case.health else []) if e.summary]
    assert not any(text in letter or any(text in line for line in panel) for text in clinical)
    if rec["outcome"] in ("refer_to_panel", "cannot_appoint"):
        assert rec["discuss_before_withdrawal"] and any("Code of Practice" in line for line in panel)
    for change in report["changes"][:5]:
        assert change["recommendation_then"] in {"appoint", "appoint_with_safeguards", "refer_to_panel",
                                                 "cannot_appoint", "needs_information"}


@pytest.mark.parametrize("file", CASES, ids=lambda p: p.name)
def test_case_gives_the_same_report_as_json(file, tmp_path):
    data, _, lines = split_expect(file)
    case = case_from_data(data, lines, str(file), TABLES)
    as_json = tmp_path / (file.stem + ".json")
    as_json.write_text(json.dumps(data, default=str), encoding="utf-8")
    from_json = load_case(as_json, TABLES)
    assert assess(from_json, RULES, from_json.assessed_on) == assess(case, RULES, case.assessed_on)


@pytest.mark.parametrize("file", DEMOS, ids=lambda p: p.name)
def test_demo_cases_are_valid_and_assess(file):
    case = load_case(file, TABLES)
    report = assess(case, RULES, case.assessed_on)
    assert {r["id"] for r in report["records"]} == {r.id for r in case.records}
