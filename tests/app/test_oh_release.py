"""Issue 17 in the app: the person sees the OH summary first. The clinician records an outcome, marks the
manager's summary ready and records the person's answer; until the person agrees, the panel roles see no
part of it (not the outcome, not the adjustments, no download); after, they see the summary and can download
the summary and the passport. Every step is chained and each refusal says why."""

from __future__ import annotations

from datetime import date

from app_helpers import Seeded, rendered_text, texts
from test_access import user
from test_decisions import add_case

from engine.services import access
from engine.services.demo import DEMO_DIR

CASE = "C-R-OH"


def _oh_page(seeded: Seeded):
    at = seeded.app("demo-oh", "views/oh_clinician.py")
    at.selectbox(key="oh_case_pick").set_value(CASE).run()
    return at


def answer(at) -> None:
    next(b for b in at.button if b.label == "Record the person's answer").click().run()


def _panel_text(seeded: Seeded, username: str = "demo-member") -> tuple[str, list[str]]:
    at = seeded.app(username, "views/case_review.py", case_id=CASE)
    return rendered_text(at), [b.label for b in at.get("download_button")]


def test_the_summary_reaches_the_panel_only_after_the_person_agrees(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "oh-return-after-illness.yaml", CASE)
    at = _oh_page(seeded)
    at.selectbox(key=f"oh_outcome_{CASE}").set_value("fit_with_adjustments")
    at.multiselect(key=f"oh_adjustments_{CASE}").set_value(["later_start", "staff_mentor_induction_plan"])
    at.date_input(key=f"oh_review_{CASE}").set_value(date(2027, 6, 1))
    at.button[0].click().run()
    assert any("OH outcome recorded" in s for s in texts(at.success))
    later_start = seeded.rules.oh.adjustments["later_start"].manager

    text, downloads = _panel_text(seeded)
    assert later_start not in text and not downloads                      # refused before: nothing of it shows
    assert "the person has not yet seen the summary" in text

    at = _oh_page(seeded)
    assert "Mark the summary ready to show the person" in [b.label for b in at.button]
    at.button(key=f"oh_ready_{CASE}").click().run()
    assert seeded.store.oh_release(CASE).status == "ready"
    text, downloads = _panel_text(seeded)
    assert later_start not in text and not downloads and "waiting for their agreement" in text

    at = _oh_page(seeded)
    at.radio(key=f"oh_answer_{CASE}").set_value("changes")
    answer(at)                                           # no note: refused, with the reason
    assert any("say what the person asked to change" in e for e in texts(at.error))
    at.text_area(key=f"oh_answer_note_{CASE}").input("Synthetic: asked to leave out the later start.")
    answer(at)
    assert seeded.store.oh_release(CASE).status == "changes_requested"
    assert later_start not in _panel_text(seeded)[0]

    at = _oh_page(seeded)                         # the clinician shows it again; this time the person agrees
    at.button(key=f"oh_ready_{CASE}").click().run()
    at = _oh_page(seeded)
    at.radio(key=f"oh_answer_{CASE}").set_value("agreed")
    at.text_area(key=f"oh_answer_note_{CASE}").input("Synthetic: agreed at the OH appointment.")
    answer(at)
    assert seeded.store.oh_release(CASE).released
    text = rendered_text(at)
    assert "Synthetic: asked to leave out the later start." in text and "The person agreed" in text

    text, downloads = _panel_text(seeded)
    assert later_start in text and "The person agreed to this summary being shared." in text
    assert downloads == ["Download the manager's summary", "Download the adjustment passport"]
    assert "A staff mentor" in text     # the induction arrangement the clinician chose (text is Markdown-escaped)
    actions = [e.action for e in seeded.store.audit_events()]
    assert actions.count("oh_release.ready") == 2 and actions.count("oh_release.agreed") == 1
    assert "oh_release.changes_requested" in actions and seeded.store.verify_chain().ok


def test_only_the_clinician_releases_and_a_new_outcome_needs_a_new_agreement(seeded: Seeded):
    add_case(seeded, DEMO_DIR / "oh-return-after-illness.yaml", "C-R-OH2")
    evaluation = seeded.store.evaluations("C-R-OH2")[-1].id
    oh = user(seeded, "demo-oh")
    chair = user(seeded, "demo-chair")
    access.record_oh_outcome(seeded.store, seeded.rules, oh, evaluation, "fit", [], None, "")
    for attempt in (lambda: access.mark_oh_ready(seeded.store, chair, "C-R-OH2"),
                    lambda: access.record_oh_answer(seeded.store, chair, "C-R-OH2", True, "Synthetic.")):
        try:
            attempt()
        except access.AccessDenied as exc:
            assert "The person sees the manager's summary" in str(exc)
        else:
            raise AssertionError("a chair released an OH summary")
    try:
        access.record_oh_answer(seeded.store, oh, "C-R-OH2", True, "Synthetic: agreed.")
    except ValueError as exc:
        assert "mark it ready for the person first" in str(exc)
    else:
        raise AssertionError("an answer was recorded before the summary was shown")
    access.mark_oh_ready(seeded.store, oh, "C-R-OH2")
    access.record_oh_answer(seeded.store, oh, "C-R-OH2", True, "Synthetic: agreed.")
    member = user(seeded, "demo-member")
    assert access.case_review(seeded.store, seeded.rules, member, "C-R-OH2")["oh"] is not None
    access.record_oh_outcome(seeded.store, seeded.rules, oh, evaluation, "fit_with_adjustments", ["later_start"],
                             date(2027, 6, 1), "", supersede_reason="Synthetic: reviewed again.")
    review = access.case_review(seeded.store, seeded.rules, member, "C-R-OH2")
    assert review["oh"] is None and "not yet seen" in review["oh_status"]     # the new outcome is not agreed yet
