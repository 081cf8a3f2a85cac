"""`fairchance rules lint` (engine/rules/lint.py): the project's rules are clean, and each kind of
problem is found on a broken copy: overlaps, gaps, unreachable rows, type mismatches, rules without
examples, and versions of a rule in force on the same day."""

from __future__ import annotations

import json
from pathlib import Path

from rules_copy import edit

from engine.cli.main import main
from engine.legal.tables import load_tables
from engine.report.catalogue import FACTS
from engine.report.rulebase import load_rules
from engine.rules.book import load_rulebook
from engine.rules.lint import LintIssue, lint

CONSIDERATION = "legal/consideration.rules.yaml"
RECENCY = "framework/recency.rules.yaml"
RELEVANCE = "framework/relevance.rules.yaml"
POST = "framework/post.rules.yaml"


TABLES = load_tables()     # the copies change only *.rules.yaml files, never the legal tables


def issues_of(rules_dir: Path) -> list[LintIssue]:
    return lint(load_rulebook(FACTS, rules_dir), TABLES)


def messages(issues: list[LintIssue]) -> list[str]:
    return [f"[{i.rule}] {i.ruleset}: {i.message}" for i in issues]


PROBE_HEAD = """ruleset: extra.probe
title: A synthetic probe table
scope: record
needs: [{inputs}]
produces:
  probe: {{type: word, values: [a, b, c], description: a synthetic output}}
table:
  hit_policy: {policy}
  inputs: [{inputs}]
  outputs: [probe]
  rows:
"""

PROBE_ROW = """    - id: EX-PROBE-{id}
      title: Probe row {id}
      when: {{{when}}}
      then: {{probe: {out}}}
      source: ["synthetic"]
      in_force: {{{in_force}}}
      examples:
        - given: {{{given}}}
          expect: {{probe: {out}}}
"""


def probe_table(rules_dir: Path, inputs: str, policy: str, rows: list[dict[str, str]]) -> Path:
    """A small record-scope table written as a new rule-set file; rows give id, when, out, given."""
    text = PROBE_HEAD.format(inputs=inputs, policy=policy)
    for row in rows:
        text += PROBE_ROW.format(**{"in_force": "from: 2013-05-29", **row})
    file = rules_dir / "framework" / "probe.rules.yaml"
    file.write_text(text, encoding="utf-8")
    return file


# --- the project ------------------------------------------------------------------------------


def test_the_project_rules_lint_clean(capsys):
    assert main(["rules", "lint"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith(f"{len(load_rules().book.sets)} rule sets, ")
    assert ": 0 problems (rules sha256:" in out


def test_the_project_rules_lint_clean_as_json(capsys):
    assert main(["rules", "lint", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_lint_finds_nothing_in_the_project():
    rules = load_rules()
    assert lint(rules.book, rules.tables) == []


def test_lint_exits_1_on_a_broken_copy(rules_copy, capsys):
    edit(rules_copy / RECENCY, '">= 5 years"', '">= 6 years"')
    assert main(["--rules", str(rules_copy), "rules", "lint"]) == 1
    out = capsys.readouterr().out
    assert "framework.recency: gap from 2013-05-29: values of time_since_record from 60 match no row" in out
    assert ": 1 problem (rules sha256:" in out


def test_lint_json_on_a_broken_copy(rules_copy, capsys):
    edit(rules_copy / RECENCY, '">= 5 years"', '">= 6 years"')
    assert main(["--rules", str(rules_copy), "rules", "lint", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == [{
        "where": f"{rules_copy / RECENCY}:1", "ruleset": "framework.recency", "rule": None,
        "message": "gap from 2013-05-29: values of time_since_record from 60 match no row"}]


# --- overlaps in a unique table ---------------------------------------------------------------


def test_two_rows_of_a_unique_table_matching_the_same_inputs_overlap(rules_copy):
    edit(rules_copy / CONSIDERATION, "when: {protected: false, spent: false, role.exceptions_order: \"-\"}",
         "when: {protected: false, spent: \"-\", role.exceptions_order: \"-\"}")
    found = issues_of(rules_copy)
    assert messages(found) == [
        "[LEG-CONS-EXEMPT] legal.consideration: overlaps LEG-CONS-UNSPENT: some input values match both rows "
        "of a unique table",
        "[LEG-CONS-NOT-EXEMPT] legal.consideration: overlaps LEG-CONS-UNSPENT: some input values match both rows "
        "of a unique table"]
    file = rules_copy / CONSIDERATION
    assert all(i.where.startswith(f"{file}:") for i in found)


def test_ranges_that_share_a_closed_end_overlap(rules_copy):
    edit(rules_copy / RECENCY, '"[2 years..5 years)"', '"[2 years..5 years]"')
    assert messages(issues_of(rules_copy)) == [
        "[FW-REC-OLDER] framework.recency: overlaps FW-REC-FIVE: some input values match both rows of a unique "
        "table"]


def test_a_first_hit_table_may_overlap(rules_copy):
    probe_table(rules_copy, "custodial", "first", [
        {"id": "YES", "when": "custodial: true", "out": "a", "given": "custodial: true"},
        {"id": "ANY", "when": 'custodial: "-"', "out": "b", "given": "custodial: false"},
    ])
    assert issues_of(rules_copy) == []


# --- gaps ---------------------------------------------------------------------------------------


def test_a_removed_row_leaves_a_gap(rules_copy):
    file = rules_copy / CONSIDERATION
    text = file.read_text(encoding="utf-8")
    file.write_text(text[:text.index("    - id: LEG-CONS-NOT-EXEMPT")], encoding="utf-8")
    found = issues_of(rules_copy)
    assert messages(found) == ["[None] legal.consideration: gap from 1975-07-01: no row covers protected=false, "
                               "spent=true, role.exceptions_order=false"]
    assert found[0].where == f"{file}:1"


def test_a_gap_names_each_uncovered_combination(rules_copy):
    file = rules_copy / CONSIDERATION
    text = file.read_text(encoding="utf-8")
    start, end = text.index("    - id: LEG-CONS-PROTECTED"), text.index("    - id: LEG-CONS-UNSPENT")
    file.write_text(text[:start] + text[end:], encoding="utf-8")
    gaps = [i.message for i in issues_of(rules_copy)]
    assert len(gaps) == 4
    assert all(g.startswith("gap from 1975-07-01: no row covers protected=true, ") for g in gaps)


def test_an_optional_input_must_be_covered_when_missing(rules_copy):
    probe_table(rules_copy, "specified", "unique", [
        {"id": "YES", "when": "specified: true", "out": "a", "given": "specified: true"},
        {"id": "NO", "when": "specified: false", "out": "b", "given": "specified: false"},
    ])
    assert messages(issues_of(rules_copy)) == [
        "[None] extra.probe: gap from 2013-05-29: no row covers specified=missing"]


def test_a_row_for_missing_closes_the_gap(rules_copy):
    probe_table(rules_copy, "specified", "unique", [
        {"id": "YES", "when": "specified: true", "out": "a", "given": "specified: true"},
        {"id": "NO", "when": "specified: false", "out": "b", "given": "specified: false"},
        {"id": "UNKNOWN", "when": "specified: missing", "out": "c", "given": "specified: null"},
    ])
    assert issues_of(rules_copy) == []


def test_a_gap_in_a_single_numeric_input(rules_copy):
    edit(rules_copy / RECENCY, '">= 5 years"', '">= 6 years"')
    assert messages(issues_of(rules_copy)) == [
        "[None] framework.recency: gap from 2013-05-29: values of time_since_record from 60 match no row"]


def test_ranges_open_at_the_same_point_leave_a_gap(rules_copy):
    edit(rules_copy / RECENCY, '"[2 years..5 years)"', '"(2 years..5 years)"')
    assert messages(issues_of(rules_copy)) == [
        "[None] framework.recency: gap from 2013-05-29: values of time_since_record from 24 match no row"]


def test_durations_start_at_zero(rules_copy):
    edit(rules_copy / RECENCY, '"< 2 years"', '"[1 month..2 years)"')
    assert messages(issues_of(rules_copy)) == [
        "[None] framework.recency: gap from 2013-05-29: values of time_since_record from 0 match no row"]


def test_a_numeric_table_open_at_the_top(rules_copy):
    edit(rules_copy / RECENCY, '">= 5 years"', '"[5 years..50 years]"')
    assert messages(issues_of(rules_copy)) == [
        "[None] framework.recency: gap from 2013-05-29: values of time_since_record from 600 match no row"]


def test_a_catch_all_row_closes_a_numeric_gap(rules_copy):
    probe_table(rules_copy, "time_since_record", "first", [
        {"id": "NEW", "when": 'time_since_record: "< 2 years"', "out": "a", "given": "time_since_record: 1"},
        {"id": "OLD", "when": 'time_since_record: "-"', "out": "b", "given": "time_since_record: 100"},
    ])
    assert issues_of(rules_copy) == []


def test_rows_with_the_same_low_end_in_any_order_leave_no_gap(rules_copy):
    probe_table(rules_copy, "time_since_record", "first", [
        {"id": "MID", "when": 'time_since_record: "(0 months..5 years]"', "out": "a",
         "given": "time_since_record: 1"},
        {"id": "ZERO", "when": 'time_since_record: "[0 months..1 year]"', "out": "b",
         "given": "time_since_record: 0"},
        {"id": "OLD", "when": 'time_since_record: "> 5 years"', "out": "c", "given": "time_since_record: 100"},
    ])
    assert issues_of(rules_copy) == []


def test_a_row_that_expires_without_a_successor_leaves_a_gap(rules_copy):
    probe_table(rules_copy, "custodial", "unique", [
        {"id": "YES", "when": "custodial: true", "out": "a", "given": "custodial: true"},
        {"id": "NO", "when": "custodial: false", "out": "b", "given": "custodial: false",
         "in_force": "from: 2013-05-29, to: 2020-12-31"},
    ])
    assert any("gap from 2021-01-01" in m for m in messages(issues_of(rules_copy)))


# --- unreachable rows -----------------------------------------------------------------------------


def test_a_row_after_a_catch_all_in_a_first_hit_table_is_unreachable(rules_copy):
    file = probe_table(rules_copy, "custodial, conviction", "first", [
        {"id": "ALL", "when": 'custodial: "-", conviction: "-"', "out": "a",
         "given": "custodial: true, conviction: true"},
        {"id": "CUSTODY", "when": "custodial: true", "out": "b", "given": "custodial: true, conviction: true"},
    ])
    found = issues_of(rules_copy)
    assert messages(found) == ["[EX-PROBE-CUSTODY] extra.probe: unreachable: earlier rows of this first-hit table "
                               "match every input this row matches"]
    line = next(n for n, t in enumerate(file.read_text().splitlines(), 1) if "id: EX-PROBE-CUSTODY" in t)
    assert found[0].where == f"{file}:{line}"


def test_a_row_covered_by_several_earlier_rows_is_unreachable(rules_copy):
    probe_table(rules_copy, "custodial, conviction", "first", [
        {"id": "CUSTODY", "when": "custodial: true", "out": "a", "given": "custodial: true, conviction: true"},
        {"id": "CAUTION", "when": "conviction: false", "out": "b", "given": "custodial: false, conviction: false"},
        {"id": "CUSTODY-CAUTION", "when": "custodial: true, conviction: false", "out": "c",
         "given": "custodial: true, conviction: false"},
        {"id": "REST", "when": 'custodial: "-"', "out": "c", "given": "custodial: false, conviction: true"},
    ])
    assert messages(issues_of(rules_copy)) == [
        "[EX-PROBE-CUSTODY-CAUTION] extra.probe: unreachable: earlier rows of this first-hit table match every "
        "input this row matches"]


def test_a_first_hit_table_whose_rows_each_add_something_is_clean(rules_copy):
    probe_table(rules_copy, "custodial, conviction", "first", [
        {"id": "CUSTODY", "when": "custodial: true, conviction: true", "out": "a",
         "given": "custodial: true, conviction: true"},
        {"id": "CONVICTION", "when": "conviction: true", "out": "b", "given": "custodial: false, conviction: true"},
        {"id": "REST", "when": 'custodial: "-", conviction: "-"', "out": "c",
         "given": "custodial: false, conviction: false"},
    ])
    assert issues_of(rules_copy) == []


# --- types --------------------------------------------------------------------------------------


def test_a_number_test_on_a_bool_fact(rules_copy):
    edit(rules_copy / CONSIDERATION, 'when: {protected: true, spent: "-"', 'when: {protected: true, spent: ">= 1"')
    found = [m for m in messages(issues_of(rules_copy)) if "does not fit" in m]
    assert found == ["[LEG-CONS-PROTECTED] legal.consideration: test '>= 1' (number) does not fit 'spent', "
                     "a bool fact"]


def test_a_word_test_on_a_number_fact(rules_copy):
    edit(rules_copy / RECENCY, '"< 2 years"', "recent")
    found = [m for m in messages(issues_of(rules_copy)) if "does not fit" in m]
    assert found == ["[FW-REC-RECENT] framework.recency: test 'recent' (word) does not fit 'time_since_record', "
                     "a months fact"]


def test_a_word_outside_the_vocabulary(rules_copy):
    edit(rules_copy / RELEVANCE, "when: {offence_group: dishonesty, post_involves: includes money_or_records}",
         "when: {offence_group: \"dishonesty, thieving\", post_involves: includes money_or_records}")
    found = issues_of(rules_copy)
    assert len(found) == 1 and found[0].rule == "FW-REL-DISHONESTY-MONEY-OR-RECORDS"
    assert found[0].message.startswith("thieving not among the values of 'offence_group': ")
    assert "dishonesty" in found[0].message and "violence" in found[0].message


def test_a_word_outside_the_vocabulary_in_a_not(rules_copy):
    edit(rules_copy / RELEVANCE, "when: {offence_group: drugs_supply, post_involves: includes medicines}",
         'when: {offence_group: "not(drugs_sale)", post_involves: includes medicines}')
    assert [i.message.split(":")[0] for i in issues_of(rules_copy)] == [
        "drugs_sale not among the values of 'offence_group'"]


def test_a_duty_outside_the_vocabulary(rules_copy):
    edit(rules_copy / POST, '"includes any(cash_handling, records_access)"',
         '"includes any(cash_handling, till_work)"')
    found = issues_of(rules_copy)
    assert [i.rule for i in found] == ["FW-POST-MONEY-OR-RECORDS"]
    assert found[0].message.startswith("till_work not among the values of 'role.duties': ")


def test_a_word_outside_a_produced_facts_values(rules_copy):
    edit(rules_copy / "framework/pattern.rules.yaml", 'recency: "recent, within_five_years"',
         'recency: "recent, within_six_years"')
    assert messages(issues_of(rules_copy)) == [
        "[FW-PAT-RECENT-REPEAT] framework.pattern: within_six_years not among the values of 'recency': recent, "
        "within_five_years, older"]


def test_a_duration_on_a_fact_that_is_not_in_months(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "needs: [considered, offence_group, post_involves]",
         "needs: [considered, offence_group, post_involves, age_at_record]")
    edit(file, "when: {offence_group: drugs_supply, post_involves: includes medicines}",
         'when: {offence_group: drugs_supply, post_involves: includes medicines, age_at_record: ">= 18 years"}')
    assert any("age_at_record" in m for m in messages(issues_of(rules_copy)))


# --- examples and versions ----------------------------------------------------------------------


def test_a_rule_with_no_examples(rules_copy):
    file = rules_copy / RECENCY
    edit(file, "      examples:\n        - given: {considered: true, time_since_record: 24}\n"
         "          expect: {recency: within_five_years}\n", "")
    found = issues_of(rules_copy)
    assert messages(found) == ["[FW-REC-FIVE] framework.recency: no examples: add at least one (given, expect)"]
    line = next(n for n, t in enumerate(file.read_text().splitlines(), 1) if "id: FW-REC-FIVE" in t)
    assert found[0].where == f"{file}:{line}"


def second_version(rules_dir: Path, first_to: str, second_from: str) -> None:
    """LEG-CONS-NOT-EXEMPT in force up to first_to, then again (same answer) from second_from."""
    file = rules_dir / CONSIDERATION
    text = file.read_text(encoding="utf-8")
    start = text.index("    - id: LEG-CONS-NOT-EXEMPT")
    row = text[start:]
    assert row.count("in_force: {from: 1975-07-01}") == 1
    first = row.replace("in_force: {from: 1975-07-01}", f"in_force: {{from: 1975-07-01, to: {first_to}}}")
    second = row.replace("in_force: {from: 1975-07-01}", f"in_force: {{from: {second_from}}}")
    file.write_text(text[:start] + first + second, encoding="utf-8")


def test_versions_of_a_rule_whose_dates_overlap(rules_copy):
    second_version(rules_copy, "2000-12-31", "2000-06-01")
    found = [i for i in issues_of(rules_copy) if "another version" in i.message]
    assert len(found) == 1 and found[0].rule == "LEG-CONS-NOT-EXEMPT"
    assert found[0].message.startswith("another version of LEG-CONS-NOT-EXEMPT (")
    assert found[0].message.endswith(") is in force on some of the same days; give them dates that do not overlap")


def test_versions_of_a_rule_that_follow_each_other(rules_copy):
    second_version(rules_copy, "2000-12-31", "2001-01-01")
    rules = load_rules(rules_copy)
    assert [r.in_force.from_.isoformat() for r in rules.book.get("legal.consideration").rules
            if r.id == "LEG-CONS-NOT-EXEMPT"] == ["1975-07-01", "2001-01-01"]
    assert lint(rules.book, rules.tables) == []


def test_versions_sharing_a_single_day_overlap(rules_copy):
    second_version(rules_copy, "2000-12-31", "2000-12-31")
    assert any("another version" in i.message for i in issues_of(rules_copy))
