"""The loader rejects inconsistent case files, naming the file, the field, the line and what was expected."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.case.loader import load_case
from engine.files.problems import InputError, Problem
from engine.legal.tables import load_tables

TABLES = load_tables()


def case_text(records: str, *, born: str = "1990-01-01", assessed_on: str = "2026-01-01",
              head: str = "format: case/1\n") -> str:
    return (f"{head}case_id: C-T-0001\nassessed_on: {assessed_on}\n"
            f"applicant:\n  ref: A-T001\n  date_of_birth: {born}\n"
            f"role:\n  check_level: enhanced\nrecords:\n{records}")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) >= nth, f"{needle!r} is not in the test file"
    return found[nth - 1]


def problems_in(tmp_path: Path, text: str, name: str = "case.yaml", on: date | None = None) -> list[Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_case(path, TABLES, on)
    problems = info.value.problems
    assert all(p.file == str(path) for p in problems), "every problem names the file"
    assert str(path) in str(info.value)
    return problems


def the_problem(problems: list[Problem], path: tuple) -> Problem:
    matching = [p for p in problems if p.path == path]
    assert len(matching) == 1, f"expected one problem at {path}, found: {[str(p) for p in problems]}"
    return matching[0]


CONVICTION = """\
  - id: R1
    kind: conviction
    date: {date}
    sentences:
      - type: {type}
"""


def conviction(day: str = "2015-05-20", kind: str = "fine", extra: str = "") -> str:
    return CONVICTION.format(date=day, type=kind) + extra


def test_record_before_birth(tmp_path):
    text = case_text(conviction(day="1985-01-01"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "date"))
    assert p.line == line_of(text, "date: 1985-01-01")
    assert "before the date of birth 1990-01-01" in p.message
    assert "1985-01-01" in p.message


def test_record_after_the_assessment_date(tmp_path):
    text = case_text(conviction(day="2026-03-01"), assessed_on="2026-01-01")
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "date"))
    assert p.line == line_of(text, "date: 2026-03-01")
    assert "after the assessment date 2026-01-01" in p.message


def test_record_after_the_as_at_date_given_on_the_command_line(tmp_path):
    text = case_text(conviction(day="2021-03-01"), assessed_on="2026-01-01")
    p = the_problem(problems_in(tmp_path, text, on=date(2020, 1, 1)), ("records", 0, "date"))
    assert "after the assessment date 2020-01-01" in p.message


@pytest.mark.parametrize(("sentence", "born"), [("suspended_sentence", "1990-01-01"),
                                                ("detention_training_order", "2000-01-01")])
def test_custodial_order_over_24_months(tmp_path, sentence, born):
    text = case_text(conviction(kind=sentence, extra="        length: {months: 25}\n"), born=born)
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences", 0, "length"))
    assert p.line == line_of(text, "length: {months: 25}")
    assert f"a {sentence} can be at most 24 months" in p.message
    assert "found 25 months" in p.message


def test_detention_training_order_for_an_adult(tmp_path):
    text = case_text(conviction(kind="detention_training_order", extra="        length: {months: 4}\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences", 0, "type"))
    assert p.line == line_of(text, "type: detention_training_order")
    assert "only for under-18s" in p.message
    assert "25" in p.message, "the message gives the age at conviction"


def test_conditional_caution_with_conditions_ending_before_it(tmp_path):
    text = case_text("  - id: R1\n    kind: conditional_caution\n    date: 2015-05-20\n"
                     "    conditions_end: 2015-05-01\n")
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "conditions_end"))
    assert p.line == line_of(text, "conditions_end:")
    assert "before the caution 2015-05-20" in p.message
    assert "2015-05-01" in p.message


def test_conditions_end_on_a_conviction(tmp_path):
    text = case_text(conviction(extra="    conditions_end: 2015-06-01\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "conditions_end"))
    assert p.line == line_of(text, "conditions_end:")
    assert "only to conditional cautions" in p.message


def test_duplicate_record_ids(tmp_path):
    text = case_text(conviction() + conviction(day="2016-01-01"))
    p = the_problem(problems_in(tmp_path, text), ("records", 1, "id"))
    assert p.line == line_of(text, "- id: R1", nth=2)
    assert "duplicate record id 'R1'" in p.message
    assert "records[0]" in p.message


def test_unknown_sentence_type_lists_the_valid_ones(tmp_path):
    text = case_text(conviction(kind="community_sentance"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences", 0, "type"))
    assert p.line == line_of(text, "type: community_sentance")
    assert "unknown sentence type 'community_sentance'" in p.message
    for valid in TABLES.sentence_types:
        assert valid in p.message


def test_unknown_record_kind_lists_the_valid_ones(tmp_path):
    text = case_text("  - id: R1\n    kind: warning\n    date: 2015-05-20\n")
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "kind"))
    assert p.line == line_of(text, "kind: warning")
    assert "unknown record kind 'warning'" in p.message
    for valid in TABLES.kinds:
        assert valid in p.message


def test_unknown_offence_category_lists_the_valid_ones(tmp_path):
    text = case_text(conviction(extra="    offence_category: shop_theft\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "offence_category"))
    assert p.line == line_of(text, "offence_category: shop_theft")
    assert "unknown offence category 'shop_theft'" in p.message
    for valid in TABLES.categories:
        assert valid in p.message


def test_specified_offence_contradicting_its_category(tmp_path):
    assert TABLES.categories["robbery"].specified is True
    text = case_text(conviction(extra="    offence_category: robbery\n    specified_offence: false\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "specified_offence"))
    assert p.line == line_of(text, "specified_offence: false")
    assert "'robbery'" in p.message
    assert "specified_offence true" in p.message


def test_jurisdiction_other_than_england_and_wales(tmp_path):
    text = case_text(conviction()).replace("assessed_on:", "jurisdiction: scotland\nassessed_on:")
    p = the_problem(problems_in(tmp_path, text), ("jurisdiction",))
    assert p.line == line_of(text, "jurisdiction: scotland")
    assert "'scotland' is not supported yet" in p.message
    assert "england_wales" in p.message


def test_format_other_than_case_1(tmp_path):
    text = case_text(conviction(), head="format: case/2\n")
    p = the_problem(problems_in(tmp_path, text), ("format",))
    assert p.line == 1
    assert "unsupported format 'case/2'" in p.message
    assert "expected case/1" in p.message


def test_length_with_two_units(tmp_path):
    text = case_text(conviction(kind="custody", extra="        length: {months: 4, weeks: 2}\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences", 0, "length"))
    assert p.line == line_of(text, "length: {months: 4, weeks: 2}")
    assert "exactly one of days, weeks, months or years" in p.message


def test_fine_with_a_length(tmp_path):
    text = case_text(conviction(kind="fine", extra="        length: {months: 4}\n"))
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences", 0, "length"))
    assert p.line == line_of(text, "length: {months: 4}")
    assert "a fine has no length" in p.message


def test_conviction_without_sentences(tmp_path):
    text = case_text("  - id: R1\n    kind: conviction\n    date: 2015-05-20\n    sentences: []\n")
    p = the_problem(problems_in(tmp_path, text), ("records", 0, "sentences"))
    assert p.line == line_of(text, "sentences: []")
    assert "needs at least one sentence" in p.message


def test_yaml_duplicate_keys(tmp_path):
    text = case_text(conviction()).replace("  date_of_birth: 1990-01-01\n",
                                           "  date_of_birth: 1990-01-01\n  date_of_birth: 1991-06-01\n")
    p = the_problem(problems_in(tmp_path, text), ("applicant", "date_of_birth"))
    assert p.line == line_of(text, "date_of_birth: 1991-06-01")
    assert "duplicate key" in p.message


def test_invalid_json_names_its_line(tmp_path):
    text = ('{\n  "format": "case/1",\n  "case_id": "C-T-0001",\n  "assessed_on": 2026-01-01,\n'
            '  "applicant": {"ref": "A-T001", "date_of_birth": "1990-01-01"},\n'
            '  "role": {"check_level": "basic"}\n}\n')
    problems = problems_in(tmp_path, text, name="case.json")
    assert len(problems) == 1
    assert problems[0].line == line_of(text, '"assessed_on": 2026-01-01')
    assert "not valid JSON" in problems[0].message


def test_oh_dates_after_the_assessment_date_are_located(tmp_path):
    text = case_text("  []\n") + (
        "health:\n  oh_assessment:\n    assessed_on: 2026-02-01\n    assessed_by: OH nurse adviser\n"
        "  former_care_teams:\n    - team: Community Team East\n      care_ended_on: 2026-03-01\n"
        "  out_of_work_since: 2026-04-01\n")
    problems = problems_in(tmp_path, text)
    for path, needle, what in ((("health", "oh_assessment", "assessed_on"), "assessed_on: 2026-02-01",
                                "the OH assessment is dated 2026-02-01"),
                               (("health", "former_care_teams", 0, "care_ended_on"), "care_ended_on: 2026-03-01",
                                "the care ended 2026-03-01"),
                               (("health", "out_of_work_since"), "out_of_work_since: 2026-04-01",
                                "leaving work is dated 2026-04-01")):
        p = the_problem(problems, path)
        assert p.line == line_of(text, needle) and what in p.message and "after the assessment date" in p.message


def test_an_oh_assessment_without_who_assessed_is_refused(tmp_path):
    text = case_text("  []\n") + "health:\n  oh_assessment:\n    assessed_on: 2025-12-01\n"
    p = the_problem(problems_in(tmp_path, text), ("health", "oh_assessment", "assessed_by"))
    assert p.line is not None and "required" in p.message.lower()
