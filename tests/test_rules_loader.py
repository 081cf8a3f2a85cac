"""Loading rule-set files (engine/rules/book.py): every problem names file:line:column, the rule id
and the field, and all problems of all files are reported together in one InputError."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rules_copy import edit

from engine.files.problems import InputError, Problem, path_text
from engine.report.catalogue import FACTS
from engine.report.rulebase import load_rules
from engine.rules.book import load_rulebook

RECENCY = "framework/recency.rules.yaml"
RELEVANCE = "framework/relevance.rules.yaml"
PATTERN = "framework/pattern.rules.yaml"
SERIOUSNESS = "framework/seriousness.rules.yaml"
REVIEW = "framework/review.rules.yaml"

# 'considerd' is close to three catalogue names (difflib, up to three suggestions)
CLOSE_TO_CONSIDERD = ("unknown fact 'considerd'; did you mean 'considered' or 'considered_span' or "
                      "'considered_count'?")


def problems_of(rules_dir: Path) -> list[Problem]:
    with pytest.raises(InputError) as err:
        load_rulebook(FACTS, rules_dir)
    return err.value.problems


def position(path: Path, line_having: str, column_of: str) -> tuple[int, int]:
    """1-based line and column of `column_of` on the only line that contains `line_having`."""
    lines = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if line_having in line]
    assert len(lines) == 1, lines
    number, line = lines[0]
    return number, line.index(column_of) + 1


def only(problems: list[Problem], text: str) -> Problem:
    found = [p for p in problems if text in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def assert_located(problem: Problem, file: Path, line: int, column: int, rule: str | None, field: str) -> None:
    assert (problem.file, problem.line, problem.column, problem.rule) == (str(file), line, column, rule)
    assert path_text(problem.path) == field
    rule_part = f" [{rule}]" if rule else ""
    assert str(problem).startswith(f"{file}:{line}:{column}:{rule_part} {field}: ")


def test_the_project_rules_load():
    book = load_rulebook(FACTS)
    names = [s.name for s in book.sets]
    assert {"framework.recency", "framework.relevance", "framework.seriousness", "framework.pattern",
            "legal.consideration"} <= set(names)
    assert len(names) == len(set(names))
    assert all(s.rules for s in book.sets)


def test_a_misspelt_fact_names_the_place_and_the_close_name(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "when: {post_involves: includes police_station}",
         "when: {considerd: true, post_involves: includes police_station}")
    problem = only(problems_of(rules_copy), "considerd")
    assert problem.message == CLOSE_TO_CONSIDERD
    line, column = position(file, "considerd", "considerd")
    assert_located(problem, file, line, column, "FW-REL-ANY-POLICE-STATION", "rules[31].when.considerd")


def test_a_misspelt_need_says_which_names_are_close(rules_copy):
    file = rules_copy / RECENCY
    edit(file, "needs: [considered, time_since_record]", "needs: [considered, time_since_recrd]")
    problems = problems_of(rules_copy)
    problem = only(problems, "needs unknown fact")
    assert problem.message.startswith("needs unknown fact 'time_since_recrd'; did you mean 'time_since_record'")
    assert problem.file == str(file) and problem.path == ("needs",) and problem.line == position(
        file, "needs:", "needs")[0]


def test_a_misspelt_fact_inside_a_quantifier_is_found(rules_copy):
    file = rules_copy / PATTERN
    edit(file, "when: {no_record: {considered: true}}", "when: {no_record: {considerd: true}}")
    problem = only(problems_of(rules_copy), "unknown fact")
    assert problem.message == CLOSE_TO_CONSIDERD
    assert (problem.file, problem.rule, problem.line) == (str(file), "FW-PAT-NONE",
                                                          position(file, "considerd", "considerd")[0])


def test_a_misspelt_fact_inside_a_quantifier_is_located_at_the_fact(rules_copy):
    file = rules_copy / PATTERN
    edit(file, "when: {no_record: {considered: true}}", "when: {no_record: {considerd: true}}")
    problem = only(problems_of(rules_copy), "unknown fact")
    line, column = position(file, "considerd", "considerd")
    assert_located(problem, file, line, column, "FW-PAT-NONE", "table.rows[0].when.no_record.considerd")


def test_a_fact_read_but_not_needed(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "when: {offence_group: drugs_supply, post_involves: includes medicines}",
         "when: {offence_group: drugs_supply, post_involves: includes medicines, self_disclosed: true}")
    problem = only(problems_of(rules_copy), "self_disclosed")
    assert problem.message == "reads 'self_disclosed', which the rule set does not list under needs"
    line, column = position(file, "self_disclosed: true", "self_disclosed")
    assert_located(problem, file, line, column, "FW-REL-DRUGS-SUPPLY-MEDICINES", "rules[25].when.self_disclosed")


def test_a_fact_dropped_from_needs_is_reported_at_every_rule_reading_it(rules_copy):
    edit(rules_copy / RECENCY, "needs: [considered, time_since_record]", "needs: [considered]")
    problems = problems_of(rules_copy)
    assert sorted(p.rule for p in problems if "does not list under needs" in p.message) == [
        "FW-REC-FIVE", "FW-REC-OLDER", "FW-REC-RECENT"]


def test_a_test_that_does_not_parse_names_its_fact(rules_copy):
    file = rules_copy / RECENCY
    edit(file, 'when: {time_since_record: ">= 5 years"}', 'when: {time_since_record: ">= theft"}')
    problem = only(problems_of(rules_copy), "theft")
    line, column = position(file, ">= theft", "time_since_record")
    assert_located(problem, file, line, column, "FW-REC-OLDER", "table.rows[2].when.time_since_record")


def test_a_malformed_quantifier(rules_copy):
    file = rules_copy / PATTERN
    edit(file, 'is: "1"}}', 'isnt: "1"}}')
    problem = only(problems_of(rules_copy), "count_records takes")
    assert (problem.file, problem.rule, problem.path) == (
        str(file), "FW-PAT-ONE-OFF", ("table", "rows", 4, "when", "count_records"))


def test_a_then_value_outside_the_declared_values(rules_copy):
    file = rules_copy / RECENCY
    edit(file, "then: {recency: within_five_years}", "then: {recency: recentish}")
    problem = only(problems_of(rules_copy), "recentish")
    assert problem.message == "value 'recentish' does not fit the declared word fact 'recency'"
    line, column = position(file, "recentish", "recency: recentish")
    assert_located(problem, file, line, column, "FW-REC-FIVE", "table.rows[1].then.recency")


def test_a_then_value_of_the_wrong_type(rules_copy):
    file = rules_copy / "legal/consideration.rules.yaml"
    edit(file, "then: {considered: false}\n      source: [\"Rehabilitation of Offenders Act 1974 s.4(2)",
         "then: {considered: no_way}\n      source: [\"Rehabilitation of Offenders Act 1974 s.4(2)")
    problem = only(problems_of(rules_copy), "no_way")
    assert problem.message == "value 'no_way' does not fit the declared bool fact 'considered'"
    assert problem.rule == "LEG-CONS-NOT-EXEMPT"


SPECIFIED_THEN = "when: {specified: true}\n      then: {seriousness: moderate}"   # FW-SER-SPECIFIED


def test_a_then_naming_a_fact_that_is_not_an_output(rules_copy):
    file = rules_copy / SERIOUSNESS
    edit(file, SPECIFIED_THEN, SPECIFIED_THEN.replace("moderate}", "moderate, recency: recent}"))
    problem = only(problems_of(rules_copy), "not among the outputs")
    assert problem.message == "sets 'recency', which is not among the outputs ['seriousness']"
    line, column = position(file, "recency: recent", "recency: recent")
    assert_located(problem, file, line, column, "FW-SER-SPECIFIED", "table.rows[4].then.recency")


def test_a_record_fact_read_directly_by_a_case_rule(rules_copy):
    file = rules_copy / PATTERN
    edit(file, 'when: {count_records: {where: {considered: true}, is: "1"}}', "when: {considered: true}")
    problem = only(problems_of(rules_copy), "record fact")
    assert problem.message == ("'considered' is a record fact; a case rule reads it inside any_record, "
                               "all_records, no_record or count_records")
    line, column = position(file, "when: {considered: true}", "considered")
    assert_located(problem, file, line, column, "FW-PAT-ONE-OFF", "table.rows[4].when.considered")


def test_a_produced_record_fact_read_directly_by_a_case_rule(rules_copy):
    edit(rules_copy / PATTERN, 'when: {count_records: {where: {considered: true}, is: "1"}}',
         "when: {recency: recent}")
    problem = only(problems_of(rules_copy), "record fact")
    assert problem.message.startswith("'recency' is a record fact") and problem.rule == "FW-PAT-ONE-OFF"


def test_a_fact_outside_the_table_inputs(rules_copy):
    file = rules_copy / SERIOUSNESS
    edit(file, "needs: [considered, custodial, custody_months, harm, specified]",
         "needs: [considered, custodial, custody_months, harm, specified, self_disclosed]")
    edit(file, "when: {}\n      then: {seriousness: low}",
         "when: {self_disclosed: true}\n      then: {seriousness: low}")
    problem = only(problems_of(rules_copy), "table's inputs")
    assert problem.message.startswith("'self_disclosed' is not one of the table's inputs")
    assert problem.rule == "FW-SER-OTHER"


EXTRA_SET = """ruleset: extra.{name}
title: Extra rule set {name}
scope: record
needs: [{need}]
produces:
  {product}: {{type: bool, description: a synthetic fact}}
rules:
  - id: EX-{upper}
    title: Extra rule {upper}
    when: {{{need}: true}}
    then: {{{product}: true}}
    source: ["synthetic"]
    in_force: {{from: 2013-05-29}}
    examples:
      - given: {{{need}: true}}
        expect: {{{product}: true}}
"""


def extra_set(rules_dir: Path, name: str, need: str, product: str) -> Path:
    file = rules_dir / "framework" / f"{name}.rules.yaml"
    file.write_text(EXTRA_SET.format(name=name, need=need, product=product, upper=name.upper()), encoding="utf-8")
    return file


def test_rule_sets_that_need_each_other_are_refused_naming_both(rules_copy):
    extra_set(rules_copy, "alpha", "beta_fact", "alpha_fact")
    extra_set(rules_copy, "beta", "alpha_fact", "beta_fact")
    problems = problems_of(rules_copy)
    cycle = only(problems, "cycle")
    assert cycle.message == "rule sets depend on each other in a cycle: extra.alpha, extra.beta"
    assert cycle.file == str(rules_copy)
    assert len(problems) == 1


def test_a_chain_of_extra_sets_is_ordered_not_refused(rules_copy):
    extra_set(rules_copy, "gamma", "beta_fact", "gamma_fact")
    extra_set(rules_copy, "beta", "alpha_fact", "beta_fact")
    extra_set(rules_copy, "alpha", "considered", "alpha_fact")
    names = [s.name for s in load_rulebook(FACTS, rules_copy).sets]
    assert names.index("extra.alpha") < names.index("extra.beta") < names.index("extra.gamma")


def test_a_duplicate_rule_set_name(rules_copy):
    shutil.copy(rules_copy / RECENCY, rules_copy / "framework/recency2.rules.yaml")
    problems = problems_of(rules_copy)
    dup = only(problems, "is also defined in")
    assert dup.message == f"rule set 'framework.recency' is also defined in {rules_copy / RECENCY}"
    assert dup.file == str(rules_copy / "framework/recency2.rules.yaml") and dup.path == ("ruleset",)
    produced = only(problems, "is also produced by")
    assert produced.message == "'recency' is also produced by framework.recency"


def test_a_duplicate_rule_set_name_is_not_reported_as_a_cycle(rules_copy):
    shutil.copy(rules_copy / RECENCY, rules_copy / "framework/recency2.rules.yaml")
    assert not [str(p) for p in problems_of(rules_copy) if "cycle" in p.message]


def test_an_unknown_field_in_a_rule_set_file(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "title: Relevance of each record", "colour: red\ntitle: Relevance of each record")
    problem = only(problems_of(rules_copy), "unknown field")
    line, column = position(file, "colour: red", "colour")
    assert_located(problem, file, line, column, None, "colour")
    assert problem.message == "unknown field (check the spelling; unknown fields are not allowed)"


def test_an_unknown_field_in_a_rule_names_the_rule(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "  - id: FW-REL-CHILDREN-VULNERABLE-CHILDREN\n",
         "  - id: FW-REL-CHILDREN-VULNERABLE-CHILDREN\n    notes: misplaced\n")
    problem = only(problems_of(rules_copy), "unknown field")
    line, column = position(file, "notes: misplaced", "notes")
    assert_located(problem, file, line, column, "FW-REL-CHILDREN-VULNERABLE-CHILDREN", "rules[11].notes")


def test_a_rule_id_that_does_not_match_the_pattern(rules_copy):
    file = rules_copy / RELEVANCE
    edit(file, "id: FW-REL-ANY-POLICE-STATION", "id: fw-rel-police")
    problem = only(problems_of(rules_copy), "pattern")
    line, column = position(file, "id: fw-rel-police", "id")
    assert_located(problem, file, line, column, "fw-rel-police", "rules[31].id")
    assert "'fw-rel-police'" in problem.message


@pytest.mark.parametrize("bad_id", ["FW", "FW-", "FW_REL-X", "1FW-REL", "FW-rel"])
def test_rule_ids_outside_the_pattern_are_refused(rules_copy, bad_id):
    edit(rules_copy / RELEVANCE, "id: FW-REL-ANY-POLICE-STATION", f"id: {bad_id}")
    problem = only(problems_of(rules_copy), "String should match pattern")
    assert problem.path == ("rules", 31, "id")


def test_a_missing_required_field(rules_copy):
    edit(rules_copy / RECENCY, "title: Time since each record that may be considered\n", "")
    problem = only(problems_of(rules_copy), "required field is missing")
    assert (problem.file, problem.path) == (str(rules_copy / RECENCY), ("title",))


def test_a_rule_set_with_neither_table_nor_rules(rules_copy):
    file = rules_copy / RECENCY
    text = file.read_text(encoding="utf-8")
    file.write_text(text[:text.index("table:")], encoding="utf-8")
    problems = problems_of(rules_copy)
    problem = only(problems, "either a table or rules")
    assert problem.file == str(file) and problem.path == ()
    # the sets that need what it produced say so too, in the same error
    assert any(p.file == str(rules_copy / PATTERN) and "unknown fact 'recency'" in p.message for p in problems)


def test_the_order_puts_each_set_after_the_sets_it_needs():
    book = load_rulebook(FACTS)
    names = [s.name for s in book.sets]
    assert names.index("framework.recency") < names.index("framework.pattern")
    producer = {fact: s.name for s in book.sets if s.stage != "legal" for fact in s.produces}
    for s in book.sets:
        for need in s.needs:
            if need in producer and producer[need] != s.name:
                assert names.index(producer[need]) < names.index(s.name), (s.name, need)


def test_all_problems_of_several_files_are_reported_together(rules_copy):
    edit(rules_copy / RECENCY, "then: {recency: within_five_years}", "then: {recency: recentish}")
    # a layout error in a set whose facts no other set needs (one in relevance would also make every
    # set needing relevant_to report it unknown, as in test_a_rule_set_with_neither_table_nor_rules)
    edit(rules_copy / REVIEW, "id: FW-REV-NONE", "id: fw-rev-none")
    edit(rules_copy / SERIOUSNESS, SPECIFIED_THEN, SPECIFIED_THEN.replace("moderate}", "moderate, recency: recent}"))
    edit(rules_copy / PATTERN, 'when: {count_records: {where: {considered: true}, is: "1"}}',
         "when: {considered: true}")
    with pytest.raises(InputError) as err:
        load_rulebook(FACTS, rules_copy)
    files = {p.file for p in err.value.problems}
    assert files == {str(rules_copy / f) for f in (RECENCY, REVIEW, SERIOUSNESS, PATTERN)}
    text = str(err.value)
    for part in ("recentish", "fw-rev-none", "not among the outputs", "is a record fact"):
        assert part in text
    assert len(text.splitlines()) == len(err.value.problems) == 4


def test_load_rules_reports_problems_of_the_tables_and_the_rule_sets_together(rules_copy):
    edit(rules_copy / "legal/filtering.yaml", "F13-SPEC, title: A specified offence is never filtered, when: "
         "{specified: true}", "F13-SPEC, title: A specified offence is never filtered, when: {specifed: true}")
    edit(rules_copy / RECENCY, "then: {recency: within_five_years}", "then: {recency: recentish}")
    with pytest.raises(InputError) as err:
        load_rules(rules_copy)
    files = {Path(p.file).name for p in err.value.problems}
    assert {"filtering.yaml", "recency.rules.yaml"} <= files


def test_a_misspelt_fact_in_applies_to(rules_copy):
    file = rules_copy / RECENCY
    edit(file, "applies_to: {considered: true}", "applies_to: {considerd: true}")
    problem = only(problems_of(rules_copy), "considerd")
    assert problem.message == CLOSE_TO_CONSIDERD
    line, column = position(file, "applies_to:", "considerd")
    assert_located(problem, file, line, column, None, "applies_to.considerd")


def test_a_fact_in_applies_to_must_be_needed(rules_copy):
    edit(rules_copy / RECENCY, "applies_to: {considered: true}", "applies_to: {considered: true, spent: false}")
    problem = only(problems_of(rules_copy), "spent")
    assert problem.message == "reads 'spent', which the rule set does not list under needs"
    assert problem.path == ("applies_to", "spent")


def test_a_case_rule_set_cannot_select_records(rules_copy):
    edit(rules_copy / PATTERN, "scope: case\n", "scope: case\napplies_to: {considered: true}\n")
    problem = only(problems_of(rules_copy), "applies_to selects records")
    assert problem.path == ("applies_to",) and problem.file == str(rules_copy / PATTERN)
