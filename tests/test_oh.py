"""Occupational health: the manager's summary and passport carry nothing clinical; both evaluators agree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_copy import edit

from engine.case.model import Case
from engine.cli.main import main
from engine.files.problems import InputError
from engine.legal.layer import assess_legal
from engine.oh.summary import manager_summary, passport_html, summary_html, summary_text
from engine.report.assess import assess
from engine.report.catalogue import derive_facts
from engine.report.rulebase import load_rules
from engine.rules.native import evaluate

RULES = load_rules()
ON = date(2026, 11, 22)
NEEDS = sorted(RULES.tables.needs)
ADVICE = ["phased_return", "altered_hours", "amended_duties", "workplace_adaptations"]
marker = st.from_regex(r"ZQX[A-Z0-9]{6,12}", fullmatch=True)


@st.composite
def oh_cases(draw: st.DrawFn) -> dict:
    """Cases with every clinical field filled: free text with unique markers, vocabularies at random."""
    team = draw(st.sampled_from(["Community Team East", "Inpatient Ward 3", None]))
    episodes = [{"id": f"E{i}", "start": f"{2015 + i}-02-01", "end": draw(st.sampled_from([None, f"{2015 + i}-09-01"])),
                 "summary": draw(marker)} for i in range(draw(st.integers(0, 3)))]
    health = {
        "oh_assessment": draw(st.one_of(st.none(), st.fixed_dictionaries({
            "assessed_on": st.dates(date(2026, 9, 1), ON).map(date.isoformat), "assessed_by": marker,
            "outcome": st.sampled_from([None, "fit", "fit_with_adjustments", "temporarily_unfit",
                                        "further_assessment"])}))),
        "former_care_teams": draw(st.lists(st.fixed_dictionaries({
            "team": st.one_of(marker, st.just(team or "Community Team East")),
            "care_ended_on": st.dates(date(2020, 1, 1), ON).map(date.isoformat)}), max_size=2)),
        "out_of_work_since": draw(st.one_of(st.none(), st.dates(date(2010, 1, 1), ON).map(date.isoformat))),
        "restraint_opt_out": draw(st.one_of(st.none(), st.booleans())),
        "illness_episodes": episodes,
        "wellbeing_plan": {"exists": draw(st.booleans()), "names_triggers": draw(st.booleans()),
                           "early_warning_signs": draw(st.booleans())},
        "functional_needs": draw(st.lists(st.sampled_from(NEEDS), unique=True, max_size=5)),
        "own_care_team": draw(st.one_of(st.none(), marker, st.just(team or "Community Team East"))),
        "fit_note": draw(st.one_of(st.none(), st.fixed_dictionaries({
            "status": st.sampled_from(["not_fit", "may_be_fit"]),
            "advice": st.lists(st.sampled_from(ADVICE), unique=True, max_size=3),
            "until": st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2027, 9, 30)).map(date.isoformat))}))),
        "absence": {"occasions_12_months": draw(st.integers(0, 5)), "days_12_months": draw(st.integers(0, 30))},
        "hours_wanted": draw(st.one_of(st.none(), st.integers(4, 37))),
        "on_benefits": draw(st.one_of(st.none(), st.booleans())),
        "returning_after_illness": draw(st.booleans()),
    }
    return {"format": "case/1", "case_id": "C-T-OH", "assessed_on": ON.isoformat(),
            "applicant": {"ref": "A-T001", "date_of_birth": "1988-06-01"},
            "role": {"title": "Peer Support Worker", "check_level": "enhanced", "team": team,
                     "peers_in_team": draw(st.one_of(st.none(), st.integers(0, 3)))},
            "certificate": {"issued_on": "2026-11-01", "barred": {"adults": False}}, "records": [],
            "health": health}


def _clinical_strings(data: dict) -> list[str]:
    health = data["health"]
    texts = [e["summary"] for e in health["illness_episodes"]]
    if health["own_care_team"] and health["own_care_team"].startswith("ZQX"):
        texts.append(health["own_care_team"])
    texts += [t["team"] for t in health["former_care_teams"] if t["team"].startswith("ZQX")]
    texts += [health["oh_assessment"]["assessed_by"]] if health["oh_assessment"] else []
    # Fit-note advice (phased return, altered hours...) is what the summary exists to pass on, as
    # adjustments, so it is not in this list; the needs behind the adjustments are.
    texts += health["functional_needs"] + [RULES.tables.needs[n].title for n in health["functional_needs"]]
    return texts


@settings(max_examples=150, deadline=None)
@given(oh_cases())
def test_no_clinical_detail_reaches_the_manager_summary_or_passport_in_any_format(data):
    case = Case.model_validate(data)
    report = assess(case, RULES, ON)
    summary = manager_summary(report, case.role.title, RULES.oh)
    outputs = [json.dumps(summary), summary_text(summary), summary_html(summary), passport_html(summary)]
    for text in _clinical_strings(data):
        for output in outputs:
            assert text not in output, (text, output[:200])
    for output in outputs:
        assert "medication" not in output.lower() and "diagnos" not in output.lower()
    # the clinician's report does carry the clinical detail
    assert report["occupational_health"]["functional_needs"] == data["health"]["functional_needs"]


@settings(max_examples=150, deadline=None)
@given(oh_cases())
def test_both_evaluators_agree_on_occupational_health(data):
    pytest.importorskip("durable.lang")
    from engine.rules.durable_eval import evaluate_durable

    case = Case.model_validate(data)
    legal = assess_legal(case, RULES, ON)
    case_facts, record_facts = derive_facts(case, legal, RULES.tables)
    native = evaluate(RULES.book, case_facts, record_facts, ON, with_trace=False)
    durable = evaluate_durable(RULES.book, case_facts, record_facts, ON)
    assert durable.case_facts == native.case_facts
    assert [(f.rule, f.subject) for f in durable.findings] == [(f.rule, f.subject) for f in native.findings]


@settings(max_examples=120, deadline=None)
@given(oh_cases())
def test_outcome_invariants(data):
    """Only an in-date (or open) not-fit note makes a person temporarily unfit; `fit` never hides an
    adjustment; every other outcome gets a review; a not-fit note is reviewed when it ends or at three
    months; hours over the permitted-work limit are never offered as permitted work; no OH advice
    without an OH assessment."""
    case = Case.model_validate(data)
    oh = assess(case, RULES, ON)["occupational_health"]
    note = case.health.fit_note
    current_not_fit = note is not None and note.status == "not_fit" and (note.until is None or note.until >= ON)
    assessed = case.health.oh_assessment is not None
    assert (oh["outcome"] == "not_assessed") == (not assessed)
    assert (oh["outcome"] == "temporarily_unfit") == (current_not_fit and assessed)
    if oh["outcome"] in ("fit", "not_assessed"):
        assert oh["review_on"] is None and (oh["outcome"] == "not_assessed" or not oh["adjustments"])
    else:
        assert oh["review_on"] is not None
    if oh["outcome"] == "temporarily_unfit" and note.until is not None:
        review = date.fromisoformat(oh["review_on"])
        assert review >= note.until or review == date(2027, 2, 22), (note.until, review)
    limit = RULES.oh.parameters.parameters.permitted_work_hours_limit.on(ON).value
    arrangements = {a["id"] for a in oh["peer_arrangements"]}
    hours = case.health.hours_wanted
    if assessed and case.health.on_benefits and hours is not None and hours >= limit:
        assert "hours_within_permitted_work" not in arrangements
        assert "benefits_advice_before_hours_over_limit" in arrangements
    if oh["outcome"] == "not_assessed":
        assert not arrangements and not oh["adjustments"] and not oh["induction_arrangements"]
    # interview-stage adjustments are offered to every candidate and never reach the post-offer summary
    assert {a["id"] for a in oh["interview_adjustments"]} == {"questions_24_hours_ahead", "contact_before_interview"}
    summary = manager_summary({"case_id": case.case_id, "occupational_health": oh}, case.role.title, RULES.oh)
    interview = {a["manager"] for a in oh["interview_adjustments"]}
    assert not interview & set(summary["adjustments"] + summary["induction"])
    assert "interview" not in summary_text(summary).lower() and "interview" not in passport_html(summary).lower()


def _benefits_case(on: date, hours: int) -> Case:
    return Case.model_validate({
        "format": "case/1", "case_id": "C-T-OH4", "assessed_on": on.isoformat(),
        "applicant": {"ref": "A-T004", "date_of_birth": "1990-01-01"},
        "role": {"title": "Peer Support Worker", "check_level": "enhanced", "team": "Ward 3", "peers_in_team": 1},
        "health": {"oh_assessment": {"assessed_on": on.isoformat(), "assessed_by": "OH nurse adviser"},
                   "on_benefits": True, "hours_wanted": hours,
                   "wellbeing_plan": {"exists": True, "names_triggers": True, "early_warning_signs": True}}})


@pytest.mark.parametrize(("on", "cap", "estimate"), [(date(2024, 6, 1), "183.50", False),
                                                     (date(2025, 6, 1), "195.50", False),
                                                     (date(2026, 11, 22), "203.50", True)])
def test_the_permitted_work_figures_in_force_stay_with_the_clinician(on, cap, estimate):
    case = _benefits_case(on, 12)
    report = assess(case, RULES, on)
    figures = report["occupational_health"]["permitted_work"]
    assert figures["permitted_work_hours_limit"]["value"] == "16"
    assert figures["permitted_work_earnings_cap"]["value"] == cap
    assert figures["permitted_work_earnings_cap"]["assumed"] is estimate
    assert f"fewer than 16 hours a week, earning up to £{cap} a week" in figures["manager"]
    assert ("estimate" in figures["manager"]) is estimate
    summary = manager_summary(report, case.role.title, RULES.oh)
    assert summary["hours"] == RULES.oh.permitted_work.manager and summary["hours"].startswith("Hours agreed with OH")
    for output in (summary_text(summary), summary_html(summary), passport_html(summary)):
        assert f"£{cap}" not in output and "ESA" not in output and "benefit" not in output.lower()


def test_hours_over_the_limit_get_benefits_advice_not_permitted_work_hours():
    report = assess(_benefits_case(ON, 30), RULES, ON)
    oh = report["occupational_health"]
    assert {a["id"] for a in oh["peer_arrangements"]} == {
        "benefits_advice_before_hours_over_limit", "managerial_and_peer_supervision"}
    assert oh["permitted_work"] is not None
    assert "OH-PEER-BENEFITS-OVER-LIMIT" in {f["rule"] for f in report["findings"]}


def test_a_rule_testing_another_hours_figure_than_the_parameter_is_refused(rules_copy: Path):
    edit(rules_copy / "oh/parameters.yaml", "      - value: 16\n", "      - value: 18\n")
    with pytest.raises(InputError, match=r"OH-PEER-BENEFITS \(.*\) tests oh.hours_wanted against \[16\], but the "
                                         r"value in force on 2010-10-01 is 18"):
        load_rules(rules_copy)


def test_overlapping_parameter_values_are_refused(rules_copy: Path):
    edit(rules_copy / "oh/parameters.yaml", "{from: 2024-04-08, to: 2025-04-06}", "{from: 2024-04-08}")
    with pytest.raises(InputError, match=r"parameters.yaml:\d+: .*values in force from 2024-04-08 and 2025-04-07 "
                                         r"overlap"):
        load_rules(rules_copy)


def test_an_assumed_value_without_its_reasoning_is_refused(rules_copy: Path):
    file = rules_copy / "oh/parameters.yaml"
    text = file.read_text(encoding="utf-8")
    start = text.index("        reasoning: >\n")
    file.write_text(text[:start] + text[text.index("        source: \"assumed:", start):], encoding="utf-8")
    with pytest.raises(InputError, match="an assumed value needs its reasoning"):
        load_rules(rules_copy)


def test_an_in_date_not_fit_note_is_reviewed_when_it_ends():
    case = _benefits_case(ON, 12).model_copy(deep=True)
    data = case.model_dump(mode="json", exclude_none=True)
    data["health"] = {"oh_assessment": {"assessed_on": "2026-11-20", "assessed_by": "OH nurse adviser"},
                      "fit_note": {"status": "not_fit", "until": "2027-01-10"}}
    oh = assess(Case.model_validate(data), RULES, ON)["occupational_health"]
    assert oh["outcome"] == "temporarily_unfit" and oh["review_on"] == "2027-01-22"
    data["health"]["fit_note"]["until"] = "2026-11-21"
    oh = assess(Case.model_validate(data), RULES, ON)["occupational_health"]
    assert oh["outcome"] == "fit" and oh["review_on"] is None


def test_every_adjustment_in_a_report_carries_its_source_and_reasonableness():
    case = Case.model_validate({
        "format": "case/1", "case_id": "C-T-OH2", "assessed_on": ON.isoformat(),
        "applicant": {"ref": "A-T002", "date_of_birth": "1990-01-01"},
        "role": {"check_level": "enhanced", "team": "Community Team East", "peers_in_team": 0},
        "health": {"oh_assessment": {"assessed_on": "2026-11-20", "assessed_by": "OH physician"},
                   "functional_needs": NEEDS, "own_care_team": "community team east", "on_benefits": True,
                   "returning_after_illness": True,
                   "fit_note": {"status": "may_be_fit", "advice": ADVICE, "until": "2027-01-31"},
                   "wellbeing_plan": {"exists": True, "names_triggers": True, "early_warning_signs": True}}})
    oh = assess(case, RULES, ON)["occupational_health"]
    assert oh["outcome"] == "fit_with_adjustments"
    assert {a["id"] for a in oh["peer_arrangements"]} >= {"not_in_own_care_team", "second_peer_in_team",
                                                           "benefits_advice", "hours_within_permitted_work"}
    assert {a["id"] for a in oh["adjustments"]} >= {"amended_duties", "workplace_adaptations", "changed_hours"}
    for item in oh["adjustments"] + oh["peer_arrangements"]:
        assert item["source"] and item["named_by"] in ("guidance", "seeds", "practice")
        assert set(item["reasonableness"]) == {"effectiveness", "practicability", "cost", "disruption", "resources",
                                              "outside_help", "effect_on_others"}
    assert oh["phased_return"]["weeks"] == 6 and oh["review_on"] == "2027-05-22"


def test_oh_commands(capsys, tmp_path):
    file = tmp_path / "oh.yaml"
    file.write_text(json.dumps({"format": "case/1", "case_id": "C-T-OH3", "assessed_on": ON.isoformat(),
                                "applicant": {"ref": "A-T003", "date_of_birth": "1990-01-01"},
                                "role": {"title": "Peer Support Worker", "check_level": "enhanced"},
                                "health": {"oh_assessment": {"assessed_on": "2026-11-20", "assessed_by": "OH nurse"},
                                           "functional_needs": ["rush_hour_travel_anxiety"]}}))
    assert main(["oh", "summary", str(file)]) == 0
    out = capsys.readouterr().out
    assert "Start and finish outside peak travel times" in out and "Review on: 22 May 2027" in out
    assert main(["oh", "summary", str(file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"].startswith("Fit for the role, with the adjustments")
    saved = tmp_path / "passport.html"
    assert main(["oh", "passport", str(file), "--out", str(saved)]) == 0
    page = saved.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Adjustment passport" in page
    assert "Person" in page and "Manager" in page and "Signature:" in page and "&#9744; agreed" in page
    assert main(["oh", "report", str(file)]) == 0
    text = capsys.readouterr().out
    assert "Outcome from the rules: Fit with adjustments" in text and "Anxiety travelling at rush hour" in text
    assert "Assessed on 20 November 2026 by OH nurse" in text
    assert "Review on 22 May 2027" in text and "{" not in text and "_" not in text
    assert main(["oh", "report", str(file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["functional_needs"] == ["rush_hour_travel_anxiety"]


def test_an_unknown_need_lists_the_known_ones(tmp_path):
    from engine.case.loader import load_case

    file = tmp_path / "bad.yaml"
    file.write_text("format: case/1\ncase_id: C-T\napplicant: {date_of_birth: 1990-01-01}\n"
                    "role: {check_level: enhanced}\nhealth:\n  functional_needs: [panic]\n")
    with pytest.raises(InputError) as err:
        load_case(file, RULES.tables)
    message = str(err.value)
    assert "bad.yaml:6" in message and "unknown functional need 'panic'" in message
    assert all(need in message for need in NEEDS)


def test_an_adjustment_without_manager_words_is_refused(rules_copy: Path):
    edit(rules_copy / "oh/adjustments.yaml", "  buddy_or_mentor:\n", "  buddy_or_mentors:\n")
    with pytest.raises(InputError, match="no entry for buddy_or_mentor"):
        load_rules(rules_copy)


def test_the_clinicians_recorded_outcome_goes_to_the_manager_and_a_difference_is_shown():
    data = _benefits_case(ON, 12).model_dump(mode="json", exclude_none=True)
    data["health"] = {"oh_assessment": {"assessed_on": "2026-11-20", "assessed_by": "OH physician",
                                        "outcome": "further_assessment"}}
    report = assess(Case.model_validate(data), RULES, ON)
    oh = report["occupational_health"]
    assert (oh["outcome"], oh["recorded_outcome"], oh["outcome_differs"]) == ("fit", "further_assessment", True)
    summary = manager_summary(report, "Peer Support Worker", RULES.oh)
    assert summary["outcome"].startswith("Occupational health needs to see the person again")
    assert "The job offer stands meanwhile." in summary["outcome"]


def test_assessed_means_recorded_and_nothing_found_is_fit():
    data = _benefits_case(ON, 12).model_dump(mode="json", exclude_none=True)
    data["health"] = {"absence": {"occasions_12_months": 4, "days_12_months": 20}, "returning_after_illness": True}
    oh = assess(Case.model_validate(data), RULES, ON)["occupational_health"]
    assert oh["outcome"] == "not_assessed" and not oh["adjustments"]      # filled fields are not an assessment
    data["health"] = {"oh_assessment": {"assessed_on": "2026-11-20", "assessed_by": "OH nurse adviser"}}
    oh = assess(Case.model_validate(data), RULES, ON)["occupational_health"]
    assert oh["outcome"] == "fit" and not oh["adjustments"] and oh["assessment"]["assessed_by"] == "OH nurse adviser"
