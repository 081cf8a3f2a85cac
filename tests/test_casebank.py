"""Every casebank case gives its expected results, from its YAML file and from the same case as JSON."""

import json
from pathlib import Path

import pytest

from engine.assess import assess
from engine.case_loader import case_from_data, load_case
from engine.casebank import casebank_files, run_case, split_expect
from engine.rulebase import load_rules

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
