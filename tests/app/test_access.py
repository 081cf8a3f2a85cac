"""engine/services/access.py: permissions as data, clinical fields never reach a panel role, refusals, access log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from app_helpers import MARKER_CASE, MARKERS, NEEDS, Seeded
from rules_copy import copy_rules, edit

from engine.files.problems import InputError
from engine.services import access
from engine.store import ROLES

WRITES = ("submit_case", "record_member_view", "record_decision", "record_oh_outcome")


def user(seeded: Seeded, name: str):
    return seeded.store.get_user(name)


def test_policy_names_every_role_and_gives_reasons():
    policy = access.load_policy()
    assert {r for p in policy.permissions.values() for r in p.roles} == set(ROLES)
    assert all(p.reason.strip() and p.source.strip() for p in policy.permissions.values())


def test_policy_with_an_unknown_role_names_the_file_and_line(tmp_path):
    rules_dir = copy_rules(tmp_path)
    edit(rules_dir / access.POLICY_FILE, "roles: [rules_steward, auditor]", "roles: [rules_steward, auditr]")
    with pytest.raises(InputError) as caught:
        access.load_policy(rules_dir)
    problem = caught.value.problems[0]
    assert problem.file.endswith("app-roles.yaml") and problem.line and "auditr" in problem.message


def test_the_brief_s_separations_hold_in_the_policy():
    policy = access.load_policy()
    assert not policy.allows("panel_member", "view_clinical")
    assert not policy.allows("panel_chair", "view_clinical")
    assert not any(policy.allows("auditor", w) for w in WRITES)
    assert not policy.allows("rules_steward", "view_case_review")
    assert policy.of_role("rules_steward") == ["view_rules", "view_rules_impact"]


@pytest.mark.parametrize("path", ["health", "records[].applicant_account"])
def test_strip_case_removes_each_clinical_path(path):
    from app_helpers import marker_case

    data = marker_case()
    stripped = access.strip_case(data, access.load_policy())
    text = json.dumps(stripped, default=str)
    assert all(m not in text for m in MARKERS.values())
    assert "health" in data and data["records"][0]["applicant_account"]   # the original is untouched


def test_case_review_for_the_panel_has_no_clinical_field(seeded: Seeded):
    review = access.case_review(seeded.store, seeded.rules, user(seeded, "demo-member"), MARKER_CASE)
    text = json.dumps(review, default=str)
    for what, marker in MARKERS.items():
        assert marker not in text, what
    for need in NEEDS:
        assert need not in text
    report = review["report"]
    assert "occupational_health" not in report and "disability_opinion" not in report["factors"]
    assert not any(t["ruleset"].startswith("oh.") for t in report["trace"] + report["findings"])
    assert review["episodes"] == [{"id": "E1", "start": "2026-02-01", "end": "2026-07-31", "linked_records": ["R1"]}]
    # nothing of OH reaches the panel before OH records an outcome and the person agrees (issue 17)
    assert review["oh"] is None and review["oh_status"] == "Occupational health has not recorded an outcome yet."


def test_oh_case_gives_the_clinician_everything_and_logs_a_health_view(seeded: Seeded):
    before = len(seeded.store.access_log(MARKER_CASE))
    view = access.oh_case(seeded.store, seeded.rules, user(seeded, "demo-oh"), MARKER_CASE)
    text = json.dumps(view, default=str)
    assert all(m in text for m in MARKERS.values())
    assert view["occupational_health"]["functional_needs"] == list(NEEDS)
    log = seeded.store.access_log(MARKER_CASE)[before:]
    assert [(a.actor, a.data_kind) for a in log] == [("demo-oh", "health")]


def test_case_review_logs_criminal_record_and_health_views(seeded: Seeded):
    before = len(seeded.store.access_log(MARKER_CASE))
    access.case_review(seeded.store, seeded.rules, user(seeded, "demo-chair"), MARKER_CASE)
    log = seeded.store.access_log(MARKER_CASE)[before:]
    assert {(a.actor, a.data_kind) for a in log} == {("demo-chair", "criminal_record"), ("demo-chair", "health")}


@pytest.mark.parametrize(("name", "call"), [
    ("demo-member", lambda s, r, u: access.oh_case(s, r, u, MARKER_CASE)),
    ("demo-chair", lambda s, r, u: access.oh_case(s, r, u, MARKER_CASE)),
    ("demo-steward", lambda s, r, u: access.case_review(s, r, u, MARKER_CASE)),
    ("demo-oh", lambda s, r, u: access.case_review(s, r, u, MARKER_CASE)),
    ("demo-member", lambda s, r, u: access.replay(s, r, u, "current")),
    ("demo-steward", lambda s, r, u: access.queue(s, u)),
])
def test_reads_refused_and_the_refusal_logged(seeded: Seeded, name, call):
    """A refused read returns nothing, and leaves one access-log row (kind `refused`), chained."""
    before = len(seeded.store.access_log())
    with pytest.raises(access.AccessDenied, match=name):
        call(seeded.store, seeded.rules, user(seeded, name))
    added = seeded.store.access_log()[before:]
    assert [(a.actor, a.data_kind) for a in added] == [(name, "refused")]
    assert added[0].purpose.startswith("refused: ") and added[0].case_id in ("", MARKER_CASE)
    assert seeded.store.audit_events()[-1].action == "access.log" and seeded.store.verify_chain().ok


def _evaluation_id(seeded: Seeded, case_id: str) -> int:
    return seeded.store.evaluations(case_id)[-1].id


@pytest.mark.parametrize("name", ["demo-auditor", "demo-member", "demo-oh", "demo-steward"])
def test_only_the_chair_records_a_decision(seeded: Seeded, name):
    evaluation = _evaluation_id(seeded, "C-DEMO-001")
    with pytest.raises(access.AccessDenied, match="record the panel's decision"):
        access.record_decision(seeded.store, user(seeded, name), evaluation, True, None, "fine", date(2026, 11, 22),
                               None)
    assert seeded.store.decisions("C-DEMO-001") == []


@pytest.mark.parametrize(("name", "call"), [
    ("demo-auditor", lambda s, r, u, e: access.record_member_view(s, u, e, "auditor", "appoint", "")),
    ("demo-chair", lambda s, r, u, e: access.record_member_view(s, u, e, "chair", "appoint", "")),
    ("demo-auditor", lambda s, r, u, e: access.record_oh_outcome(s, r, u, e, "fit", [], None, "")),
    ("demo-member", lambda s, r, u, e: access.record_oh_outcome(s, r, u, e, "fit", [], None, "")),
    ("demo-auditor", lambda s, r, u, e: access.submit_case(s, r, u, {"case_id": "C-X"}, "new")),
    ("demo-steward", lambda s, r, u, e: access.submit_case(s, r, u, {"case_id": "C-X"}, "new")),
])
def test_writes_refused_and_only_the_refusal_written(seeded: Seeded, name, call):
    events = len(seeded.store.audit_events())
    before = len(seeded.store.access_log())
    with pytest.raises(access.AccessDenied):
        call(seeded.store, seeded.rules, user(seeded, name), _evaluation_id(seeded, "C-DEMO-002"))
    assert [e.action for e in seeded.store.audit_events()[events:]] == ["access.log"]
    assert [(a.actor, a.data_kind) for a in seeded.store.access_log()[before:]] == [(name, "refused")]


def test_a_disabled_account_is_refused(seeded: Seeded):
    seeded.store.add_user("demo-gone", "gone-pass", "panel_member", actor="test")
    seeded.store.disable_user("demo-gone", actor="test")
    gone = seeded.store.get_user("demo-gone")
    with pytest.raises(access.AccessDenied, match="active account"):
        access.queue(seeded.store, gone)
    assert seeded.store.access_log()[-1].actor == "demo-gone"


def _policy(failures: int = 5, address_failures: int = 20) -> access.SignInPolicy:
    policy = access.load_sign_in_policy()
    lockout = policy.lockout.model_copy(update={
        "account": policy.lockout.account.model_copy(update={"failures": failures}),
        "address": policy.lockout.address.model_copy(update={"failures": address_failures})})
    return policy.model_copy(update={"lockout": lockout})


def test_sign_in_policy_is_data_with_sources():
    policy = access.load_sign_in_policy()
    assert policy.session.idle_minutes == 30 and policy.lockout.account.failures == 5
    assert policy.lockout.account.locked_minutes == 15 and policy.lockout.source.strip()


def test_failed_sign_ins_are_logged_and_lock_the_account(seeded: Seeded):
    store = seeded.store
    store.add_user("demo-lock", "the right password", "panel_member", actor="test")
    before = len(store.access_log())
    for _ in range(5):
        result = access.sign_in(store, "demo-lock", "wrong", "192.0.2.7")
        assert result.user is None
    assert result.locked_until is not None
    # The right password is refused while locked, without being checked.
    locked = access.sign_in(store, "demo-lock", "the right password", "192.0.2.7")
    assert (locked.user, locked.locked_until) == (None, result.locked_until)
    log = store.access_log()[before:]
    assert [(a.actor, a.data_kind) for a in log] == [("demo-lock", "sign_in")] * 6
    assert all("192.0.2.7" in a.purpose for a in log) and "locked until" in log[4].purpose
    assert log[5].purpose.startswith("sign-in refused: locked until")
    assert store.verify_chain().ok


def test_the_lock_expires_and_a_success_clears_the_count(seeded: Seeded):
    store = seeded.store
    store.add_user("demo-lock2", "the right password", "panel_member", actor="test")
    for _ in range(4):
        access.sign_in(store, "demo-lock2", "wrong", None)
    assert access.sign_in(store, "demo-lock2", "the right password", None).user.username == "demo-lock2"
    for _ in range(4):   # the count started again: four more failures do not lock
        assert access.sign_in(store, "demo-lock2", "wrong", None).locked_until is None
    real_clock = store._clock
    try:
        access.sign_in(store, "demo-lock2", "wrong", None)   # the fifth: locked
        assert access.sign_in(store, "demo-lock2", "the right password", None).user is None
        later = real_clock() + timedelta(minutes=16)
        store._clock = lambda: later
        assert access.sign_in(store, "demo-lock2", "the right password", None).user is not None
    finally:
        store._clock = real_clock


def test_an_address_is_locked_across_accounts(seeded: Seeded):
    store = seeded.store
    policy = _policy(failures=100, address_failures=3)
    for name in ("nobody-a", "nobody-b", "nobody-c"):
        access.sign_in(store, name, "guess", "198.51.100.9", policy)
    assert access.sign_in(store, "demo-chair", "demo-chair-pass", "198.51.100.9", policy).user is None
    assert access.sign_in(store, "demo-chair", "demo-chair-pass", "198.51.100.10", policy).user is not None


def test_member_view_and_chair_decision_are_recorded_with_the_signed_in_names(seeded: Seeded):
    evaluation = _evaluation_id(seeded, "C-DEMO-002")
    access.record_member_view(seeded.store, user(seeded, "demo-peer"), evaluation, "peer_worker",
                              "appoint_with_safeguards", "agree")
    with pytest.raises(ValueError, match="rationale"):
        access.record_decision(seeded.store, user(seeded, "demo-chair"), evaluation, True, None, "  ",
                               date(2026, 11, 22), None)
    with pytest.raises(access.DecisionRefused, match="no view from an HR representative"):
        access.record_decision(seeded.store, user(seeded, "demo-chair"), evaluation, False, "refer_to_panel",
                               "Wants to meet the applicant first.", date(2026, 11, 22), None,
                               chair_role="general_manager")
    # refer_to_panel withdraws nothing, so no discussion is asked for
    access.record_decision(seeded.store, user(seeded, "demo-chair"), evaluation, False, "refer_to_panel",
                           "Wants to meet the applicant first.", date(2026, 11, 22), None,
                           chair_role="general_manager", absences={"hr": "Synthetic: on leave.", "peer_worker": " "})
    decision = seeded.store.decisions("C-DEMO-002")[0]
    assert (decision.chair, decision.final_outcome, decision.agrees) == ("demo-chair", "refer_to_panel", False)
    assert ("demo-peer", "peer_worker", "appoint_with_safeguards") in decision.members
    assert ("demo-chair", "general_manager", "refer_to_panel") in decision.members
    assert decision.absences == (("hr", "Synthetic: on leave."),)


def test_recorded_oh_outcome_reaches_the_panel_only_once_the_person_agrees_and_without_the_note(seeded: Seeded):
    evaluation = _evaluation_id(seeded, MARKER_CASE)
    oh, member = user(seeded, "demo-oh"), user(seeded, "demo-member")
    later_start = seeded.rules.oh.adjustments["later_start"].manager
    access.record_oh_outcome(seeded.store, seeded.rules, oh, evaluation,
                             "fit_with_adjustments", ["later_start"], date(2027, 6, 1), "MARKER-OH-NOTE")

    def panel_sees() -> dict:
        review = access.case_review(seeded.store, seeded.rules, member, MARKER_CASE)
        assert "MARKER-OH-NOTE" not in json.dumps(review, default=str)
        return review

    for step in (lambda: None, lambda: access.mark_oh_ready(seeded.store, oh, MARKER_CASE)):
        step()
        review = panel_sees()      # recorded, then shown to the person: nothing of it reaches the panel yet
        assert review["oh"] is None and review["oh_recorded"] == [] and "oh_passport_html" not in review
        assert later_start not in json.dumps(review, default=str)
    assert "waiting for their agreement" in review["oh_status"]
    with pytest.raises(access.AccessDenied, match="may not mark the manager's summary ready"):
        access.record_oh_answer(seeded.store, member, MARKER_CASE, True, "Synthetic: agreed.")
    access.record_oh_answer(seeded.store, oh, MARKER_CASE, True, "Synthetic: agreed at the OH appointment.")
    review = panel_sees()
    assert review["oh"]["adjustments"] == [later_start] and "The job offer" not in review["oh"]["outcome"]
    assert later_start in review["oh_passport_html"] and review["oh_status"].startswith("The person agreed")
    actions = [e.action for e in seeded.store.audit_events()]
    assert actions.index("oh_outcome.record") < actions.index("oh_release.ready") < actions.index("oh_release.agreed")
    assert seeded.store.verify_chain().ok
    with pytest.raises(ValueError, match="adjustments: unknown"):
        access.record_oh_outcome(seeded.store, seeded.rules, user(seeded, "demo-oh"), evaluation, "fit",
                                 ["no_such_adjustment"], None, "")
