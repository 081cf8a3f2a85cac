"""The legal tables load, cross-check, and report bad rule files with file, line and field."""


import pytest
from rules_copy import edit

from engine.files.problems import InputError
from engine.legal.tables import load_tables
from engine.rules.directory import default_rules_dir, rules_version


def test_project_tables_load_and_cover_every_sentence_type_in_every_regime():
    tables = load_tables()
    for regime in tables.regimes:
        assert set(regime.periods) == set(tables.sentence_types) | {"endorsement"}
        assert regime.source and regime.in_force.from_


def test_every_table_entry_carries_a_source():
    tables = load_tables()
    assert all(t.source for t in tables.sentence_types.values())
    assert all(k.source for k in tables.kinds.values())
    assert all(rule.source for r in tables.filtering for rule in r.rules)
    assert all(p.source for r in tables.regimes for p in r.periods.values())
    assert all(c.source for c in tables.categories.values())


def test_unknown_field_in_a_rule_file_names_file_line_and_field(rules_copy):
    rule = "F13-SPEC, title: A specified offence is never filtered, when: "
    edit(rules_copy / "legal/filtering.yaml", rule + "{specified", rule + "{specifed")
    with pytest.raises(InputError) as err:
        load_tables(rules_copy)
    text = str(err.value)
    assert "filtering.yaml:" in text and "specifed" in text and "unknown field" in text


def test_a_regime_missing_a_sentence_type_is_refused(rules_copy):
    edit(rules_copy / "legal/rehabilitation-periods.yaml",
          "      fine: {anchor: conviction, adult: {years: 1}, youth: {months: 6}, source: \"ROA 1974 s.5(2) "
          "Table (LASPO): fine, 1 year (6 months) from conviction\"}\n", "")
    with pytest.raises(InputError, match="regime laspo_2014 has no period for sentence type 'fine'"):
        load_tables(rules_copy)


def test_regimes_must_follow_each_other_without_a_gap(rules_copy):
    edit(rules_copy / "legal/rehabilitation-periods.yaml", "to: 2014-03-09", "to: 2014-03-07")
    with pytest.raises(InputError, match="follow each other day by day"):
        load_tables(rules_copy)


def test_rules_version_is_a_content_hash(rules_copy):
    before = rules_version(rules_copy)
    assert before == rules_version(default_rules_dir())
    path = rules_copy / "legal/parameters.yaml"
    path.write_text(path.read_text() + "\n# a comment changes nothing\n")
    assert rules_version(rules_copy) == before
    edit(path, "value: 30.5", "value: 30.4375")
    assert rules_version(rules_copy) != before


def test_changing_a_period_in_data_changes_the_result(rules_copy):
    """Rules are data: the fine period lives in the rule file, not in Python."""
    from datetime import date

    from engine.case.model import Case
    from engine.report.assess import assess
    from engine.report.rulebase import load_rules

    case = Case.model_validate({
        "format": "case/1", "case_id": "T-1", "applicant": {"date_of_birth": "1990-01-01"},
        "role": {"check_level": "basic"},
        "records": [{"id": "R1", "kind": "conviction", "date": "2024-01-10", "sentences": [{"type": "fine"}]}]})
    on = date(2027, 1, 1)
    assert assess(case, load_rules(), on)["records"][0]["spent_on"] == "2025-01-10"
    edit(rules_copy / "legal/rehabilitation-periods.yaml",
          "      fine: {anchor: conviction, adult: {years: 1}, youth: {months: 6}, source: \"ROA 1974 s.5(2) Table: "
          "fine, 1 year", "      fine: {anchor: conviction, adult: {years: 2}, youth: {months: 6}, source: \"ROA 1974 "
          "s.5(2) Table: fine, 1 year")
    assert assess(case, load_rules(rules_copy), on)["records"][0]["spent_on"] == "2026-01-10"
