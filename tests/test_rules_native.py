"""The native evaluator (engine/rules/native.py) through engine.report.assess.assess: the trace, rules
chosen by date, unique and collected outputs, inline examples (`fairchance rules test`), the
generated fact catalogue, and the legal consideration table behind `considered`."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from rules_copy import edit
from strategies import cases

from engine.case.model import Case
from engine.cli.main import main
from engine.report.assess import assess
from engine.report.catalogue import FACTS, catalogue_markdown
from engine.report.rulebase import load_rules
from engine.rules.book import CompiledRule, CompiledSet, load_rulebook
from engine.rules.native import EvaluationError, run_set

RULES = load_rules()
ON = date(2024, 6, 1)
RECENCY = "framework/recency.rules.yaml"
CONSIDERATION = "legal.consideration"


def make_case(records: list[dict[str, Any]], level: str = "enhanced", duties: tuple[str, ...] = (),
              on: date = ON) -> Case:
    return Case.model_validate({
        "format": "case/1", "case_id": "C-T001", "assessed_on": on.isoformat(),
        "applicant": {"ref": "A-T001", "date_of_birth": "1980-01-15"},
        "role": {"check_level": level, "duties": list(duties)},
        "records": records,
    })


# R1: a recent fraud (unspent, considered); R2: an old caution (protected, not considered);
# R3: a spent custodial conviction for assault (never protected, considered for an enhanced role).
SMALL = [
    {"id": "R1", "kind": "conviction", "date": "2023-03-01", "offence_category": "fraud",
     "sentences": [{"type": "fine"}]},
    {"id": "R2", "kind": "caution", "date": "2005-03-01", "offence_category": "theft"},
    {"id": "R3", "kind": "conviction", "date": "2016-03-01", "offence_category": "common_assault",
     "sentences": [{"type": "custody", "length": {"months": 6}}]},
]
DUTIES = ("cash_handling", "police_station_based")


@pytest.fixture(scope="module")
def small_report() -> dict[str, Any]:
    return assess(make_case(SMALL, duties=DUTIES), RULES, ON)


def records_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report["records"]}


def entries_for(report: dict[str, Any], ruleset: str, subject: str) -> list[dict[str, Any]]:
    return [e for e in report["trace"] if e["ruleset"] == ruleset and e["subject"] == subject]


# --- the trace ---------------------------------------------------------------------------------


def as_fact(value: Any) -> Any:
    """A value from the report back to how the evaluator saw it (sets are lists in the report)."""
    return frozenset(value) if isinstance(value, list) else value


def shown(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return str(value)


def check_miss(rule: CompiledRule, entry: dict[str, Any]) -> None:
    """A miss names the first condition that failed and the value it saw."""
    failed = entry["failed"]
    assert failed and " (saw " in failed, entry
    condition, saw = failed.rsplit(" (saw ", 1)
    assert saw.endswith(")")
    saw = saw[:-1]
    described = [c.describe() for c in rule.checks]
    assert condition in described, (condition, described)
    check = rule.checks[described.index(condition)]
    if check.quantifier is None:
        value = entry["seen"][check.fact]
        if isinstance(value, float):    # the report writes a fraction as a float; the text to two places
            assert float(saw) == pytest.approx(value, abs=0.005), entry
        else:
            assert saw.lower() == shown(value).lower(), entry
        assert not check.test(as_fact(value)), entry
        for earlier in rule.checks[:described.index(condition)]:
            if earlier.quantifier is None:
                assert earlier.test(as_fact(entry["seen"][earlier.fact])), entry
    else:
        assert re.fullmatch(r"true|false|\d+", saw.lower()), entry


def check_trace(report: dict[str, Any], on: date) -> None:
    """Every rule of every assessment-stage set, for every subject it applies to, is in the trace."""
    book = RULES.book
    sets = {s.name: s for s in book.stage("assessment")}
    assert {e["ruleset"] for e in report["trace"]} <= set(sets)
    records = records_of(report)
    for cset in sets.values():
        subjects = sorted(records) if cset.scope == "record" else ["case"]
        for subject in subjects:
            entries = entries_for(report, cset.name, subject)
            assert entries, (cset.name, subject)
            if entries[0]["rule"] == "(applies_to)":
                assert cset.scope == "record" and len(entries) == 1
                failed = entries[0]["failed"]
                assert failed and any(failed.startswith(c.describe() + " (saw ") for c in cset.applies_to), failed
                assert entries[0]["matched"] is False
                continue
            check_set_entries(cset, entries, on)


def check_set_entries(cset: CompiledSet, entries: list[dict[str, Any]], on: date) -> None:
    live = [r for r in cset.rules if r.in_force.covers(on)]
    dormant = [r for r in cset.rules if not r.in_force.covers(on)]
    asleep = [e for e in entries if not e["in_force"]]
    awake = [e for e in entries if e["in_force"]]
    assert sorted(e["rule"] for e in asleep) == sorted(r.id for r in dormant)
    assert all(e["failed"] == f"not in force on {on}" and not e["matched"] for e in asleep)
    ids = [e["rule"] for e in awake]
    if cset.policy == "first":
        assert not any(e["matched"] for e in awake[:-1])
        if awake and awake[-1]["matched"]:
            assert ids == [r.id for r in live[:len(ids)]]
        else:
            assert ids == [r.id for r in live]
    else:
        assert ids == [r.id for r in live]
    for rule, entry in zip(live, awake, strict=False):
        assert set(entry["seen"]) == {c.fact if c.quantifier is None else c.describe() for c in rule.checks}, entry
        if entry["matched"]:
            assert entry["failed"] is None and entry["outputs"] == rule.then
        else:
            assert entry["outputs"] == {}
            check_miss(rule, entry)


def test_the_trace_has_every_rule_for_every_subject(small_report):
    check_trace(small_report, ON)


def test_the_trace_of_the_small_case_in_detail(small_report):
    r1 = entries_for(small_report, "framework.recency", "R1")
    assert [(e["rule"], e["matched"]) for e in r1] == [
        ("FW-REC-RECENT", True), ("FW-REC-FIVE", False), ("FW-REC-OLDER", False)]
    assert all(e["seen"] == {"time_since_record": 15} for e in r1)
    assert r1[1]["failed"] == "time_since_record: [2 years..5 years) (saw 15)"
    assert r1[2]["failed"] == "time_since_record: >= 5 years (saw 15)"
    assert r1[0]["outputs"] == {"recency": "recent"}

    r3 = {e["rule"]: e for e in entries_for(small_report, "framework.relevance", "R3")}
    violence = r3["FW-REL-VIOLENCE-LONE-WORKING"]
    assert violence["failed"] == "post_involves: includes lone_working (saw {money_or_records, police_station})"
    assert violence["seen"] == {"offence_group": "violence", "post_involves": ["money_or_records", "police_station"]}

    skipped = entries_for(small_report, "framework.seriousness", "R2")
    assert [e["rule"] for e in skipped] == ["(applies_to)"]
    assert skipped[0]["failed"].lower() == "considered: true (saw false)"

    # a first-hit table stops at its first match: R3 is high, so the later rows are not consulted
    assert [e["rule"] for e in entries_for(small_report, "framework.seriousness", "R3")] == [
        "FW-SER-LONG-CUSTODY", "FW-SER-CUSTODY-HIGH-HARM", "FW-SER-CUSTODY"]

    pattern = entries_for(small_report, "framework.pattern", "case")
    assert [(e["rule"], e["matched"]) for e in pattern] == [
        ("FW-PAT-NONE", False), ("FW-PAT-RECENT-REPEAT", False), ("FW-PAT-SIMILAR", False),
        ("FW-PAT-SEVERAL", True)]
    assert pattern[1]["failed"] == ("count_records (considered: true, recency: recent, within_five_years) >= 2 "
                                    "(saw 1)")
    # R1 (15 months ago) is the latest record that may be considered; the case has no certificate yet
    assert small_report["factors"] == {
        "pattern": "several_unrelated", "change_since": "limited", "recommendation": "needs_information",
        "safeguards": None, "review_after": None, "discuss_before_withdrawal": False, "plan": "none",
        "trajectory": "not_escalating", "post_involves": ["money_or_records", "police_station"],
        "restrictions_to_discuss": None, "adults_list_check": "not_needed", "children_list_check": "not_needed",
        # no occupational-health assessment is recorded on this case
        "oh_outcome": "not_assessed", "disability_opinion": "not_assessed", "adjustments": None,
        "peer_arrangements": None, "oh_review_after": None, "phased_return_weeks": None,
        "phased_return_pattern": None, "care_team_placement": "other_team", "induction_arrangements": None,
        # offered to every candidate at interview, whatever OH has or has not done
        "interview_adjustments": ["contact_before_interview", "questions_24_hours_ahead"]}


def test_a_matched_quantified_rule_shows_what_it_saw(small_report):
    matched = [e for e in entries_for(small_report, "framework.pattern", "case") if e["matched"]]
    assert matched and all(e["seen"] for e in matched)


def test_a_fraction_in_the_trace_is_written_as_a_rule_file_would():
    one_day = [{"id": "R1", "kind": "conviction", "date": "2011-01-01",
                "sentences": [{"type": "custody", "length": {"days": 1}}]}]
    report = assess(make_case(one_day, level="basic", on=date(2014, 1, 1)), RULES, date(2014, 1, 1))
    entry = next(e for e in report["trace"] if e["rule"] == "FW-SER-LONG-CUSTODY")
    assert entry["failed"].startswith("custody_months: > 48 months (saw ")
    assert "/" not in entry["failed"]


@settings(max_examples=40, deadline=None)
@given(cases())
def test_the_trace_is_complete_for_any_case(case):
    check_trace(assess(case, RULES, case.assessed_on), case.assessed_on)


# --- rules chosen by date ---------------------------------------------------------------------

OLDER_ROW = ("      in_force: {from: 2013-05-29}\n      examples:\n        - given: {considered: true, "
             "time_since_record: 60}\n          expect: {recency: older}\n")


def dated_versions(rules_dir: Path) -> None:
    """FW-REC-OLDER answers `older` up to 2020-12-31 and `distant` from 2021-01-01."""
    file = rules_dir / RECENCY
    edit(file, "values: [recent, within_five_years, older]", "values: [recent, within_five_years, older, distant]")
    # every factor value a rule can produce needs words for the report
    edit(rules_dir / "framework/wording.yaml", 'older: "five years ago or more"}',
         'older: "five years ago or more", distant: "long ago"}')
    text = file.read_text(encoding="utf-8")
    start = text.index("    - id: FW-REC-OLDER")
    row = text[start:]
    assert row.endswith(OLDER_ROW)
    first = row.replace("in_force: {from: 2013-05-29}", "in_force: {from: 2013-05-29, to: 2020-12-31}")
    second = row.replace("in_force: {from: 2013-05-29}", "in_force: {from: 2021-01-01}").replace(
        "{recency: older}", "{recency: distant}")
    file.write_text(text[:start] + first + second, encoding="utf-8")


OLD_CUSTODY = [{"id": "R1", "kind": "conviction", "date": "2012-01-10", "offence_category": "common_assault",
                "sentences": [{"type": "custody", "length": {"months": 6}}]}]


@pytest.mark.parametrize(("on", "recency", "asleep"), [
    (date(2020, 6, 1), "older", "distant"),
    (date(2024, 6, 1), "distant", "older"),
])
def test_the_version_in_force_on_the_date_is_applied(rules_copy, on, recency, asleep):
    dated_versions(rules_copy)
    rules = load_rules(rules_copy)
    report = assess(make_case(OLD_CUSTODY, on=on), rules, on)
    assert records_of(report)["R1"]["considered"] is True
    assert records_of(report)["R1"]["factors"]["recency"] == recency
    older = [e for e in entries_for(report, "framework.recency", "R1") if e["rule"] == "FW-REC-OLDER"]
    assert len(older) == 2
    applied = next(e for e in older if e["in_force"])
    dormant = next(e for e in older if not e["in_force"])
    assert applied["matched"] and applied["outputs"] == {"recency": recency}
    assert dormant["failed"] == f"not in force on {on}" and not dormant["matched"] and dormant["outputs"] == {}
    assert asleep not in str(dormant["outputs"])
    findings = [f for f in report["findings"] if f["rule"] == "FW-REC-OLDER"]
    assert [f["outputs"] for f in findings] == [{"recency": recency}]


def test_versions_change_on_the_day_after_to(rules_copy):
    dated_versions(rules_copy)
    recency = load_rulebook(FACTS, rules_copy).get("framework.recency")
    facts = {"considered": True, "time_since_record": 100}
    assert run_set(recency, facts, date(2020, 12, 31))[0] == {"recency": "older"}
    assert run_set(recency, facts, date(2021, 1, 1))[0] == {"recency": "distant"}
    assert run_set(recency, facts, date(2013, 5, 28))[0] == {"recency": None}


def test_the_dated_versions_lint_clean_and_their_examples_pass(rules_copy, capsys):
    dated_versions(rules_copy)
    assert main(["--rules", str(rules_copy), "rules", "lint"]) == 0
    assert main(["--rules", str(rules_copy), "rules", "test"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(" 0 failed")


# --- unique and collected outputs ----------------------------------------------------------------


def overlapping_recency(rules_dir: Path) -> None:
    edit(rules_dir / RECENCY, '"[2 years..5 years)"', '"[2 years..5 years]"')


def test_two_rows_of_a_unique_table_matching_at_run_time_raise(rules_copy):
    overlapping_recency(rules_copy)
    recency = load_rulebook(FACTS, rules_copy).get("framework.recency")
    assert run_set(recency, {"considered": True, "time_since_record": 59}, ON)[0] == {"recency": "within_five_years"}
    with pytest.raises(EvaluationError) as err:
        run_set(recency, {"considered": True, "time_since_record": 60}, ON, "R7")
    message = str(err.value)
    assert "framework.recency" in message and "FW-REC-FIVE" in message and "FW-REC-OLDER" in message
    assert "R7" in message


def test_two_rows_matching_in_an_assessment_raise(rules_copy):
    overlapping_recency(rules_copy)
    rules = load_rules(rules_copy)
    five_years = [{"id": "R1", "kind": "conviction", "date": "2019-06-01", "offence_category": "theft",
                   "sentences": [{"type": "custody", "length": {"months": 3}}]}]
    with pytest.raises(EvaluationError, match=r"FW-REC-FIVE, FW-REC-OLDER"):
        assess(make_case(five_years), rules, ON)


def test_set_outputs_gather_every_matching_rule(small_report):
    records = records_of(small_report)
    assert records["R1"]["factors"]["relevant_to"] == ["money_or_records", "police_station"]
    assert records["R3"]["factors"]["relevant_to"] == ["police_station"]
    assert records["R2"]["factors"]["relevant_to"] is None
    assert sorted(f["rule"] for f in small_report["findings"]
                  if f["ruleset"] == "framework.relevance" and f["subject"] == "R1") == [
        "FW-REL-ANY-POLICE-STATION", "FW-REL-DISHONESTY-MONEY-OR-RECORDS"]


def test_run_set_unions_a_set_output():
    relevance = RULES.book.get("framework.relevance")
    facts = {"considered": True, "offence_group": "dishonesty",
             "post_involves": frozenset({"money_or_records", "police_station", "lone_working"})}
    outputs, matched = run_set(relevance, facts, ON, "R1")
    assert outputs == {"relevant_to": frozenset({"money_or_records", "police_station"})}
    assert [r.id for r in matched] == ["FW-REL-DISHONESTY-MONEY-OR-RECORDS", "FW-REL-ANY-POLICE-STATION"]
    none = run_set(relevance, {**facts, "post_involves": frozenset()}, ON, "R1")
    assert none == ({"relevant_to": None}, [])


COLLECT = """ruleset: extra.collect
title: A synthetic collect table
scope: record
needs: [custodial, conviction]
produces:
  marks: {type: set, values: [custody, conviction], description: a synthetic set}
  band: {type: word, values: [a, b], description: a synthetic word}
table:
  hit_policy: collect
  inputs: [custodial, conviction]
  outputs: [marks, band]
  rows:
    - id: EX-COL-CUSTODY
      title: Custody
      when: {custodial: true}
      then: {marks: custody, band: a}
      source: ["synthetic"]
      in_force: {from: 2013-05-29}
      examples: [{given: {custodial: true, conviction: false}, expect: {marks: [custody]}}]
    - id: EX-COL-CONVICTION
      title: Conviction
      when: {conviction: true}
      then: {marks: conviction, band: BAND}
      source: ["synthetic"]
      in_force: {from: 2013-05-29}
      examples: [{given: {custodial: false, conviction: true}, expect: {marks: [conviction]}}]
"""


@pytest.mark.parametrize(("band", "agree"), [("a", True), ("b", False)])
def test_a_collect_table_gathers_sets_and_refuses_disagreement(rules_copy, band, agree):
    (rules_copy / "framework/collect.rules.yaml").write_text(COLLECT.replace("BAND", band), encoding="utf-8")
    cset = load_rulebook(FACTS, rules_copy).get("extra.collect")
    assert cset.policy == "collect"
    both = {"custodial": True, "conviction": True}
    if agree:
        outputs, matched = run_set(cset, both, ON, "R1")
        assert outputs == {"marks": frozenset({"custody", "conviction"}), "band": "a"}
        assert len(matched) == 2
    else:
        with pytest.raises(EvaluationError, match="EX-COL-CONVICTION sets band to 'b' for R1"):
            run_set(cset, both, ON, "R1")
    assert run_set(cset, {"custodial": False, "conviction": False}, ON)[0] == {"marks": None, "band": None}


# --- fairchance rules test -----------------------------------------------------------------------


def test_rules_test_passes_on_the_project(capsys):
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out
    examples = sum(len(r.examples) for s in RULES.book.sets for r in s.rules)
    assert examples > 0
    assert out.splitlines()[-1] == f"{examples} passed, 0 failed"
    assert "FAIL" not in out


def test_rules_test_fails_on_a_wrong_expectation(rules_copy, capsys):
    file = rules_copy / RECENCY
    edit(file, "given: {considered: true, time_since_record: 10}\n          expect: {recency: recent}",
         "given: {considered: true, time_since_record: 10}\n          expect: {recency: older}")
    assert main(["--rules", str(rules_copy), "rules", "test"]) == 1
    out = capsys.readouterr().out
    line = next(n for n, t in enumerate(file.read_text().splitlines(), 1) if "id: FW-REC-RECENT" in t)
    fails = [t for t in out.splitlines() if t.startswith("FAIL")]
    assert fails == [f"FAIL  FW-REC-RECENT example 1 ({file}:{line}): recency: expected 'older', got 'recent'"]
    assert out.splitlines()[-1].endswith(" passed, 1 failed")


def test_rules_test_names_a_given_fact_the_set_does_not_need(rules_copy, capsys):
    edit(rules_copy / RECENCY, "given: {considered: true, time_since_record: 10}",
         "given: {considered: true, time_since_record: 10, custodial: true}")
    assert main(["--rules", str(rules_copy), "rules", "test", "--json"]) == 1
    failed = [r for r in json.loads(capsys.readouterr().out) if not r["passed"]]
    assert [(r["rule"], r["example"]) for r in failed] == [("FW-REC-RECENT", 1)]
    assert "given fact 'custodial' is not among the rule set's needs" in failed[0]["problem"]


# --- the fact catalogue -------------------------------------------------------------------------


def test_the_committed_fact_catalogue_is_generated_from_code(capsys):
    committed = (Path(__file__).resolve().parents[1] / "docs" / "fact-catalogue.md").read_text(encoding="utf-8")
    assert committed == catalogue_markdown()
    assert main(["rules", "facts", "--markdown"]) == 0
    assert capsys.readouterr().out == committed


# --- the consideration table ---------------------------------------------------------------------


def the_law(protected: bool, spent: bool, exceptions_order: bool) -> bool:
    """Protected: never. Unspent: always. Spent, not protected: only under the Exceptions Order."""
    if protected:
        return False
    return not spent or exceptions_order


def table_answer(protected: bool, spent: bool, exceptions_order: bool, on: date = ON) -> bool | None:
    facts = {"protected": protected, "spent": spent, "role.exceptions_order": exceptions_order}
    outputs, matched = run_set(RULES.book.get(CONSIDERATION), facts, on, "R1")
    assert len(matched) == 1
    return outputs["considered"]


@pytest.mark.parametrize(("protected", "spent", "exceptions_order"),
                         list(itertools.product((True, False), repeat=3)))
def test_the_consideration_table_for_every_combination(protected, spent, exceptions_order):
    assert table_answer(protected, spent, exceptions_order) is the_law(protected, spent, exceptions_order)
    assert table_answer(protected, spent, exceptions_order, date(1975, 7, 1)) is table_answer(
        protected, spent, exceptions_order)


# R1 unspent; R2 spent custody (never protected); R3 an old adult caution (spent and protected).
THREE_WAYS = [
    {"id": "R1", "kind": "conviction", "date": "2024-01-10", "offence_category": "theft",
     "sentences": [{"type": "fine"}]},
    {"id": "R2", "kind": "conviction", "date": "2012-01-10", "offence_category": "common_assault",
     "sentences": [{"type": "custody", "length": {"months": 6}}]},
    {"id": "R3", "kind": "caution", "date": "2005-03-01", "offence_category": "theft"},
]


def considered_matches_the_table(report: dict[str, Any], level: str) -> set[tuple[bool, bool, bool]]:
    exceptions_order = RULES.tables.levels[level].exceptions_order
    seen = set()
    for record in report["records"]:
        protected, spent, considered = record["protected"], record["spent"], record["considered"]
        if None in (protected, spent, considered):
            continue
        assert considered is table_answer(protected, spent, exceptions_order, date.fromisoformat(
            report["assessed_on"])), record["id"]
        seen.add((protected, spent, exceptions_order))
    return seen


def test_considered_in_reports_is_the_tables_answer():
    seen: set[tuple[bool, bool, bool]] = set()
    for level in ("basic", "enhanced"):
        seen |= considered_matches_the_table(assess(make_case(THREE_WAYS, level=level), RULES, ON), level)
    # every combination a case can reach (a protected record is always spent)
    assert seen == {c for c in itertools.product((True, False), repeat=3) if not (c[0] and not c[1])}


@settings(max_examples=60, deadline=None)
@given(cases())
def test_considered_in_reports_is_the_tables_answer_for_any_case(case):
    considered_matches_the_table(assess(case, RULES, case.assessed_on), case.role.check_level)
