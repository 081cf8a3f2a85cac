"""Issue 16 in the app: every guard of rules/policy/decisions.yaml refuses with its reason and then allows once
the missing piece is supplied; a member revises a view; OH supersedes an outcome; the letter for each situation."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_helpers import MARKERS, Seeded, rendered_text, texts

from engine.case.loader import read_document
from engine.services import access
from engine.services.demo import DEMO_DIR
from engine.store.service import evaluate_case, submit_case

FRAMEWORK = Path(__file__).resolve().parents[2] / "casebank" / "framework"
DECIDED = date(2027, 1, 11)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RULE_ID = re.compile(r"\b(FW|DEC|OH|LEG)-[A-Z0-9-]+\b")
ABSENT_ALL = {"peer_worker": "Synthetic: away.", "hr": "Synthetic: away.", "general_manager": "Synthetic: away."}


def add_case(seeded: Seeded, source: Path, case_id: str, change=None) -> int:
    """A copy of a demo or casebank case under a new id, stored and evaluated: its evaluation id."""
    data, _ = read_document(source)
    data = copy.deepcopy(data)
    data.pop("expect", None)
    data["case_id"] = case_id
    if change:
        change(data)
    submit_case(seeded.store, seeded.rules, data, "demo-seed", "synthetic case for the decision tests")
    return evaluate_case(seeded.store, seeded.rules, case_id, "demo-seed").id


def chair_form(seeded: Seeded, case_id: str, *, final: str | None = None, discussion: str = "",
               seat: str = "", absent: dict[str, str] | None = None):
    at = seeded.app("demo-chair", "views/decision.py", case_id=case_id)
    if final:
        at.radio(key="d_choice").set_value("overrides the recommendation")
        at.selectbox(key="d_final").set_value(final)
    at.text_area(key="d_rationale").input("Synthetic rationale for the test.")
    at.text_area(key="d_discussion").input(discussion)
    at.date_input(key="d_on").set_value(DECIDED)
    if seat:
        at.selectbox(key="d_seat").set_value(seat)
    for role, why in (absent or {}).items():
        at.text_input(key=f"d_absent_{role}").input(why)
    at.button[0].click().run()
    return at


def refused(at) -> str:
    errors = [e for e in texts(at.error) if e.startswith("Not recorded")]
    assert errors, "expected a refusal"
    assert not RULE_ID.search(errors[0]) and "_" not in errors[0]      # plain words, no codes
    return errors[0]


def member_view(seeded: Seeded, username: str, case_id: str, role: str, view: str, comment: str = ""):
    at = seeded.app(username, "views/decision.py", case_id=case_id)
    at.selectbox(key="mv_role").set_value(role)
    at.selectbox(key="mv_view").set_value(view)
    at.text_area(key="mv_comment").input(comment)
    at.button[0].click().run()
    return at


# --- guards --------------------------------------------------------------------------------------------

def test_no_appointment_while_the_certificate_is_missing_then_allowed(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "certificate-awaited.yaml", "C-G-CERT")
    at = chair_form(seeded, "C-G-CERT", final="appoint", absent=ABSENT_ALL)
    assert "has not been received yet, so the panel cannot decide to appoint" in refused(at)
    assert seeded.store.decisions("C-G-CERT") == []

    def with_certificate(data: dict[str, Any]) -> None:
        barred = dict.fromkeys(data["role"]["regulated_activity"], False)
        data["certificate"] = {"issued_on": "2026-11-01", "barred": barred, "police_information": False}
    add_case(seeded, DEMO_DIR / "certificate-awaited.yaml", "C-G-CERT", with_certificate)   # a new version
    evaluation = seeded.store.evaluations("C-G-CERT")[-1]
    at = chair_form(seeded, "C-G-CERT", final=None if evaluation.outcome == "appoint" else "appoint",
                    absent=ABSENT_ALL)
    assert seeded.store.decisions("C-G-CERT")[0].final_outcome == "appoint"


def test_the_panel_must_be_complete_or_the_absence_recorded(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "no-records-recovery-college.yaml", "C-G-PANEL")
    at = chair_form(seeded, "C-G-PANEL")
    reason = refused(at)
    assert ("The panel is not complete: no view from a peer worker, an HR representative and a general manager or "
            "the volunteer services manager") in reason
    member_view(seeded, "demo-peer", "C-G-PANEL", "peer_worker", "appoint")
    at = chair_form(seeded, "C-G-PANEL", seat="general_manager")
    assert "no view from an HR representative." in refused(at)
    at = chair_form(seeded, "C-G-PANEL", seat="general_manager", absent={"hr": "Synthetic: on leave, agreed by email."})
    decision = seeded.store.decisions("C-G-PANEL")[0]
    assert decision.absences == (("hr", "Synthetic: on leave, agreed by email."),)
    assert "Absent:" in rendered_text(at) and "on leave" in rendered_text(at)


def test_not_appointing_needs_the_discussion_and_refer_to_panel_does_not(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "recent-assault-home-visits.yaml", "C-G-DISC")
    recommended = seeded.store.evaluations("C-G-DISC")[-1].outcome
    assert recommended == "refer_to_panel"
    at = chair_form(seeded, "C-G-DISC", final="not_appointed_after_discussion", absent=ABSENT_ALL)
    assert "the applicant must be heard first" in refused(at)
    at = chair_form(seeded, "C-G-DISC", final="not_appointed_after_discussion", absent=ABSENT_ALL,
                    discussion="Met the applicant on 4 January 2027; they explained the context.")
    assert seeded.store.decisions("C-G-DISC")[0].final_outcome == "not_appointed_after_discussion"
    # overriding refer_to_panel towards appointment withdraws nothing: no discussion asked for
    add_case(seeded, DEMO_DIR / "recent-assault-home-visits.yaml", "C-G-TOWARDS")
    chair_form(seeded, "C-G-TOWARDS", final="appoint_with_safeguards", absent=ABSENT_ALL)
    assert seeded.store.decisions("C-G-TOWARDS")[0].final_outcome == "appoint_with_safeguards"


def test_a_legal_bar_cannot_be_overridden_and_cannot_appoint_needs_one(seeded: Seeded):
    add_case(seeded, FRAMEWORK / "008-seed-barred-adults-regulated-activity.yaml", "C-G-BAR")
    at = chair_form(seeded, "C-G-BAR", final="appoint", absent=ABSENT_ALL, discussion="Spoke to the applicant.")
    assert "The law does not allow the appointment" in refused(at)
    chair_form(seeded, "C-G-BAR", absent=ABSENT_ALL, discussion="Spoke to the applicant on 5 January 2027.")
    assert seeded.store.decisions("C-G-BAR")[0].final_outcome == "cannot_appoint"
    add_case(seeded, DEMO_DIR / "recent-assault-home-visits.yaml", "C-G-NOBAR")
    at = chair_form(seeded, "C-G-NOBAR", final="cannot_appoint", absent=ABSENT_ALL, discussion="Spoke to them.")
    assert "choose 'not appointed after discussion'" in refused(at)


# --- views and OH --------------------------------------------------------------------------------------

def test_a_member_revises_a_view_before_the_decision(seeded: Seeded):
    evaluation = add_case(seeded, DEMO_DIR / "peer-support-worker.yaml", "C-G-VIEW")
    member_view(seeded, "demo-peer", "C-G-VIEW", "peer_worker", "appoint", "first thoughts")
    at = member_view(seeded, "demo-peer", "C-G-VIEW", "peer_worker", "appoint_with_safeguards", "after reading")
    assert "Revise my view" in [b.label for b in at.button]
    current = seeded.store.member_views(evaluation)
    assert [(v.view, v.revision) for v in current] == [("appoint_with_safeguards", 2)]
    history = seeded.store.member_view_history(evaluation)
    assert [(v.view, v.revision) for v in history] == [("appoint", 1), ("appoint_with_safeguards", 2)]
    assert "member_view.revise" in [e.action for e in seeded.store.audit_events()]
    assert "Earlier versions of views" in rendered_text(at)
    assert seeded.store.verify_chain().ok


def test_oh_review_date_and_superseding_an_outcome(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "oh-return-after-illness.yaml", "C-G-OH")
    at = seeded.app("demo-oh", "views/oh_clinician.py")
    at.selectbox(key="oh_case_pick").set_value("C-G-OH").run()
    at.selectbox(key="oh_outcome_C-G-OH").set_value("temporarily_unfit")
    at.button[0].click().run()
    assert any("needs a review date" in e for e in texts(at.error))
    at.date_input(key="oh_review_C-G-OH").set_value(date(2027, 3, 1))
    at.button[0].click().run()
    assert [o.outcome for o in seeded.store.oh_outcomes("C-G-OH")] == ["temporarily_unfit"]

    at = seeded.app("demo-oh", "views/oh_clinician.py")
    at.selectbox(key="oh_case_pick").set_value("C-G-OH").run()
    at.selectbox(key="oh_outcome_C-G-OH").set_value("fit")
    at.button[0].click().run()
    assert any("Say why this one replaces it" in e for e in texts(at.error))
    at.text_area(key="oh_replacing_C-G-OH").input("Synthetic: the fit note was updated after the review.")
    at.button[0].click().run()
    first, second = seeded.store.oh_outcomes("C-G-OH")
    assert (first.superseded_by, second.supersedes) == (second.id, first.id)
    assert second.supersede_reason.startswith("Synthetic: the fit note")
    text = rendered_text(at)
    assert "replaced" in text and "in force" in text


# --- letters -------------------------------------------------------------------------------------------

def _letter_checks(text: str, *, expected: list[str], absent: list[str] = ()) -> None:
    assert not RULE_ID.search(text), RULE_ID.search(text)
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    for marker in MARKERS.values():
        assert marker not in text
    assert "We only take into account the information the law allows us to consider for this post." in text
    for phrase in expected:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase


def _decide(seeded: Seeded, evaluation: int, final: str, discussion: str | None = None) -> None:
    ev = seeded.store.evaluation(evaluation)
    seeded.store.record_decision(evaluation, "demo-chair", final, final == ev.outcome, "Synthetic rationale.",
                                 DECIDED, discussion, "demo-chair", absences=ABSENT_ALL)


def _letter(seeded: Seeded, case_id: str) -> dict[str, Any]:
    return access.applicant_letter(seeded.store, seeded.rules, seeded.store.get_user("demo-chair"), case_id,
                                   date(2027, 1, 4))


def _named(data: dict[str, Any]) -> None:
    data["applicant"]["name"] = "Sam Example"


SITUATIONS = {
    # case id: (source, final outcome, discussion, phrases expected, phrases absent)
    "C-L-NONE": (DEMO_DIR / "no-records-recovery-college.yaml", "appoint", None,
                 ["does not change our offer", "start date"], ["not necessarily a bar", "your record"]),
    "C-L-APPOINT": (DEMO_DIR / "peer-support-worker.yaml", "appoint", None,
                    ["does not change our offer", "start date"], ["no decision has been made"]),
    "C-L-SAFE": (DEMO_DIR / "offender-management-peer.yaml", "appoint_with_safeguards", None,
                 ["The arrangements we would like to agree with you are:",
                  "We will review these arrangements with you on"],
                 ["no decision has been made"]),
    "C-L-DISCUSS": (DEMO_DIR / "recent-assault-home-visits.yaml", "refer_to_panel", None,
                    ["we would like to talk with you about your record", "no decision has been made"], []),
    "C-L-NOTAPP": (DEMO_DIR / "recent-assault-home-visits.yaml", "not_appointed_after_discussion",
                   "Met the applicant on 4 January 2027.",
                   ["a meeting in person to talk through the reasons",
                    "set out the reasons for the decision in writing", "recovery college"],
                   ["barred", "the law does not allow"]),
    "C-L-BARRED": (FRAMEWORK / "008-seed-barred-adults-regulated-activity.yaml", "cannot_appoint",
                   "Told the applicant on 4 January 2027.",
                   ["The law does not allow us to employ anyone who is barred", "dispute it with the Disclosure and "
                    "Barring Service"], ["references from people who know you now"]),
    "C-L-NOCERT": (DEMO_DIR / "certificate-awaited.yaml", "needs_information", None,
                   ["until the results of your criminal record check (your DBS certificate) arrive"],
                   ["We have now looked at the results"]),
}


@pytest.mark.parametrize("case_id", list(SITUATIONS))
def test_the_letter_for_each_decision(seeded: Seeded, case_id: str):
    source, final, discussion, expected, absent = SITUATIONS[case_id]
    evaluation = add_case(seeded, source, case_id, _named if case_id == "C-L-SAFE" else None)
    before = _letter(seeded, case_id)
    assert before["kind"] == "holding"                            # no decision letter before the decision
    assert "write to you again" in before["text"] and "4 January 2027" in before["text"]
    _decide(seeded, evaluation, final, discussion)
    letter = _letter(seeded, case_id)
    assert letter["kind"] == "decision" and letter["matches_decision"]
    assert letter["hash"] == seeded.store.decisions(case_id)[0].letter_hash
    assert letter["pdf"].startswith(b"%PDF")
    _letter_checks(letter["text"], expected=[*expected, "11 January 2027"], absent=absent)
    greeting = "Dear Sam Example," if case_id == "C-L-SAFE" else "Dear applicant,"
    assert greeting in letter["text"] and "01234 567890" in letter["text"]
    at = seeded.app("demo-chair", "views/decision.py", case_id=case_id)
    page = rendered_text(at)
    assert "Download the letter (PDF)" in [b.label for b in at.get("download_button")]
    assert expected[0] in page and "11 January 2027" in page


def test_the_holding_letter_before_any_decision_says_only_what_happens_next(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "certificate-awaited.yaml", "C-L-HOLD")
    at = seeded.app("demo-member", "views/decision.py", case_id="C-L-HOLD")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download the holding letter (PDF)", "Download the holding letter (HTML)"]
    page = rendered_text(at)
    assert "We are waiting for the results of your criminal record check" in page
    _letter_checks(_letter(seeded, "C-L-HOLD")["text"], expected=["You do not need to do anything now."],
                   absent=["not necessarily a bar", "We have now looked at the results"])
