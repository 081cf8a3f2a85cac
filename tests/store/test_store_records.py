"""Round trips of every record on SQLite and PostgreSQL, and the rules the store enforces as it writes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from store_cases import PANEL_ABSENT, REFER, SAFEGUARDS, case_data

from engine.files.problems import InputError
from engine.report.rulebase import load_rules
from engine.store import StoreError
from engine.store.chain import canonical
from engine.store.records import DecisionRefused
from engine.store.rules_snapshot import materialise
from engine.store.service import evaluate_case, submit_case

DECIDED = date(2026, 11, 30)


def plain(value):
    """What a JSON round trip makes of a value (dates become ISO text)."""
    return json.loads(canonical(value))


@pytest.fixture
def evaluation(store, rules):
    submit_case(store, rules, case_data(SAFEGUARDS), "demo-panel", "entered from the certificate")
    return evaluate_case(store, rules, "C-DEMO-002", "demo-panel")


def test_case_versions_are_immutable_and_a_correction_is_a_new_version(store, rules):
    first = case_data(SAFEGUARDS)
    v1 = submit_case(store, rules, first, "demo-panel", "entered from the certificate")
    corrected = case_data(SAFEGUARDS)
    corrected["certificate"]["issued_on"] = date(2026, 10, 21)
    v2 = submit_case(store, rules, corrected, "demo-chair", "issue date mistyped; checked against the certificate")
    assert (v1.version, v2.version) == (1, 2)
    assert store.case_version("C-DEMO-002", 1).data == plain(first)
    assert store.case_version("C-DEMO-002").data == plain(corrected)
    assert [(v.version, v.created_by, v.reason) for v in store.case_versions("C-DEMO-002")] == [
        (1, "demo-panel", "entered from the certificate"),
        (2, "demo-chair", "issue date mistyped; checked against the certificate")]
    assert v1.content_hash != v2.content_hash
    with pytest.raises(StoreError, match=r"^reason:"):
        store.add_case_version(corrected, "demo-chair", "  ")
    with pytest.raises(StoreError, match=r"^case_id: no case 'C-NONE'"):
        store.case_version("C-NONE")
    with pytest.raises(StoreError, match="version 3"):
        store.case_version("C-DEMO-002", 3)


def test_submit_validates_the_case(store, rules):
    bad = case_data(SAFEGUARDS)
    bad["nickname"] = "not a case field"
    with pytest.raises(InputError, match="nickname"):
        submit_case(store, rules, bad, "demo-panel", "entered")
    assert store.list_cases() == []


def test_evaluation_round_trip(store, rules, evaluation):
    stored = store.evaluation(evaluation.id)
    assert stored == evaluation
    assert (stored.case_id, stored.version, stored.evaluator, stored.outcome) == (
        "C-DEMO-002", 1, "native", "appoint_with_safeguards")
    assert stored.rules_version == rules.version and stored.engine_version == stored.report["engine_version"]
    assert stored.as_at == date(2026, 11, 22)
    assert stored.report["recommendation"]["outcome"] == "appoint_with_safeguards"
    assert store.evaluations("C-DEMO-002") == [stored]
    assert list(store.iter_evaluations(batch=1)) == [stored]
    assert list(store.iter_evaluations(since=date(2026, 11, 24))) == []  # the clock is at 2026-11-23
    with pytest.raises(StoreError, match=r"^evaluation_id: no evaluation 99"):
        store.evaluation(99)


def test_rules_snapshot_reproduces_the_rules_version(store, rules, evaluation, tmp_path):
    files = store.rules_snapshot(evaluation.rules_version)
    assert files and "framework/recommendation.rules.yaml" in files
    assert load_rules(materialise(files, tmp_path / "rules")).version == evaluation.rules_version
    assert store.rules_snapshot("sha256:none") is None
    events = len(store.audit_events())
    store.save_rules_snapshot(evaluation.rules_version, {"x.yaml": "changed"})  # idempotent: kept as first saved
    assert store.rules_snapshot(evaluation.rules_version) == files and len(store.audit_events()) == events


def test_panel_views_and_decision_round_trip(store, evaluation):
    view = store.record_member_view(evaluation.id, "demo-peer", "peer_worker", "appoint", "known risk is low",
                                    "demo-peer")
    store.record_member_view(evaluation.id, "demo-hr", "hr", "appoint_with_safeguards", "", "demo-hr")
    assert [v.member for v in store.member_views(evaluation.id)] == ["demo-peer", "demo-hr"]
    assert store.member_views(evaluation.id)[0] == view
    decision = store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True,
                                     "Safeguards around records access answer the panel's concern.", DECIDED, None,
                                     "demo-chair", chair_role="general_manager")
    assert decision.members == (("demo-peer", "peer_worker", "appoint"), ("demo-hr", "hr", "appoint_with_safeguards"),
                                ("demo-chair", "general_manager", "appoint_with_safeguards"))
    assert (decision.recommended, decision.final_outcome, decision.agrees, decision.decided_on) == (
        "appoint_with_safeguards", "appoint_with_safeguards", True, DECIDED)
    assert store.decisions("C-DEMO-002") == [decision] == store.decisions()
    summary = store.list_cases()[0]
    assert (summary.status, summary.outcome, summary.decided_at) == ("decided", "appoint_with_safeguards",
                                                                     decision.created_at)
    with pytest.raises(StoreError, match="views are closed"):
        store.record_member_view(evaluation.id, "demo-late", "volunteer_services_manager", "appoint", "", "demo-late")


def test_override_needs_agrees_false_and_a_rationale(store, evaluation):
    with pytest.raises(StoreError, match=r"^agrees:"):
        store.record_decision(evaluation.id, "demo-chair", "appoint", True, "no safeguards needed", DECIDED, None,
                              "demo-chair", absences=PANEL_ABSENT)
    for blank in ("", "   ", None):
        with pytest.raises(StoreError, match=r"^rationale: a decision needs a rationale"):
            store.record_decision(evaluation.id, "demo-chair", "appoint", False, blank, DECIDED, None, "demo-chair",
                                  absences=PANEL_ABSENT)
    decision = store.record_decision(evaluation.id, "demo-chair", "appoint", False,
                                     "The record is old and unrelated to the post's duties.", DECIDED, None,
                                     "demo-chair", absences=PANEL_ABSENT)
    assert (decision.agrees, decision.recommended, decision.final_outcome) == (False, "appoint_with_safeguards",
                                                                               "appoint")
    assert dict(decision.absences) == PANEL_ABSENT


def test_one_decision_per_evaluation(store, evaluation):
    store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "as recommended", DECIDED,
                          None, "demo-chair", absences=PANEL_ABSENT)
    with pytest.raises(StoreError, match="already has a decision"):
        store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "again", DECIDED, None,
                              "demo-chair", absences=PANEL_ABSENT)
    assert len(store.decisions()) == 1


def test_outcome_and_role_words_come_from_the_decision_policy(store, evaluation):
    with pytest.raises(StoreError, match=r"^view: expected one of appoint, "):
        store.record_member_view(evaluation.id, "demo-peer", "peer_worker", "hire", "", "demo-peer")
    with pytest.raises(StoreError, match=r"^panel_role: expected one of peer_worker, hr, "):
        store.record_member_view(evaluation.id, "demo-peer", "peer worker", "appoint", "", "demo-peer")
    with pytest.raises(StoreError, match=r"^final_outcome: expected one of "):
        store.record_decision(evaluation.id, "demo-chair", "hire", False, "x", DECIDED, None, "demo-chair")
    with pytest.raises(StoreError, match=r"^member: expected a username"):
        store.record_member_view(evaluation.id, "", "peer_worker", "appoint", "", "demo-peer")
    with pytest.raises(StoreError, match=r"^absences: expected one of peer_worker"):
        store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "x", DECIDED, None,
                              "demo-chair", absences={"chair": "away"})
    with pytest.raises(StoreError, match=r"^absences.hr: say why an HR representative was absent"):
        store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "x", DECIDED, None,
                              "demo-chair", absences={"hr": " "})


def test_withdrawal_needs_the_applicant_discussion_and_refer_to_panel_does_not(store, rules, evaluation):
    with pytest.raises(DecisionRefused, match="the applicant must be heard first"):
        store.record_decision(evaluation.id, "demo-chair", "not_appointed_after_discussion", False,
                              "duties too close", DECIDED, None, "demo-chair", absences=PANEL_ABSENT)
    submit_case(store, rules, case_data(REFER), "demo-panel", "entered")
    refer = evaluate_case(store, rules, "CB-F-013", "demo-panel")
    assert refer.report["recommendation"]["discuss_before_withdrawal"] is True
    # refer_to_panel withdraws nothing: no discussion needed to record it, nor to override it towards appointment
    decision = store.record_decision(refer.id, "demo-chair", "refer_to_panel", True, "panel to meet", DECIDED, " ",
                                     "demo-chair", absences=PANEL_ABSENT)
    assert decision.applicant_discussion is None
    decision = store.record_decision(evaluation.id, "demo-chair", "not_appointed_after_discussion", False,
                                     "duties too close", DECIDED, "Met the applicant on 2026-11-29.", "demo-chair",
                                     absences=PANEL_ABSENT)
    assert decision.final_outcome == "not_appointed_after_discussion"


def test_oh_outcome_round_trip(store, evaluation):
    oh = store.record_oh_outcome(evaluation.id, "demo-oh", "fit_with_adjustments", ["later_start"],
                                 date(2027, 5, 22), "Synthetic note.", "demo-oh")
    assert store.oh_outcomes("C-DEMO-002") == [oh]
    assert (oh.outcome, oh.adjustments, oh.review_on) == ("fit_with_adjustments", ("later_start",), date(2027, 5, 22))
    with pytest.raises(StoreError, match=r"^outcome: expected one of not_assessed"):
        store.record_oh_outcome(evaluation.id, "demo-oh", "fine", [], None, "", "demo-oh")
    with pytest.raises(StoreError, match=r"^adjustments:"):
        store.record_oh_outcome(evaluation.id, "demo-oh", "fit", "later_start", None, "", "demo-oh")


def test_access_log(store, evaluation, clock):
    store.log_access("demo-chair", "C-DEMO-002", "criminal_record", "panel review")
    store.log_access("demo-oh", "C-DEMO-002", "health", "OH assessment")
    log = store.access_log("C-DEMO-002")
    assert [(a.actor, a.data_kind, a.purpose) for a in log] == [("demo-chair", "criminal_record", "panel review"),
                                                               ("demo-oh", "health", "OH assessment")]
    assert log[1].at == clock.at and log[0].at < log[1].at
    assert store.access_log("C-OTHER") == [] and store.access_log() == log
    with pytest.raises(StoreError, match=r"^data_kind:"):
        store.log_access("demo-chair", "C-DEMO-002", "finances", "x")
    with pytest.raises(StoreError, match=r"^case_id: no case"):
        store.log_access("demo-chair", "C-NONE", "health", "x")
    with pytest.raises(StoreError, match=r"^purpose:"):
        store.log_access("demo-chair", "C-DEMO-002", "health", "")


def test_case_list_status(store, rules):
    submit_case(store, rules, case_data(SAFEGUARDS), "demo-panel", "entered")
    assert [(c.case_id, c.status, c.outcome) for c in store.list_cases()] == [("C-DEMO-002", "new", None)]
    evaluate_case(store, rules, "C-DEMO-002", "demo-panel")
    summary = store.list_cases()[0]
    assert (summary.status, summary.outcome, summary.role_title, summary.assessed_on) == (
        "evaluated", "appoint_with_safeguards", "Peer Support Worker (offender management)", date(2026, 11, 22))


def test_a_clock_without_a_zone_is_refused(store_url):
    from datetime import datetime

    from engine.store import open_store

    naive = open_store(store_url, clock=lambda: datetime(2026, 11, 23, 9, 0))
    try:
        with pytest.raises(StoreError, match=r"^clock:"):
            naive.add_user("demo-chair", "correct horse", "panel_chair")
    finally:
        naive.close()
