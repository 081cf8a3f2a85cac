"""Issue 17 in a real browser: the person sees the OH summary first. The clinician records an outcome and
marks the summary ready; a panel member opening the case sees where it stands and nothing of it; the
clinician records the person's agreement; the member then sees the summary and can download it and the
passport. Screenshots: tests/browser/artifacts/oh-release-*.png."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import go, pick, pick_case, settle, shot, sign_in, sign_out

from engine.case.loader import read_document
from engine.report.rulebase import load_rules
from engine.services.demo import DEMO_DIR
from engine.store import open_store
from engine.store.service import evaluate_case, submit_case

CASE = "C-B-OHREL"


@pytest.fixture(scope="module")
def store(app_url: str, demo_db: Path) -> Any:
    """A synthetic OH case added to the served store."""
    store, rules = open_store(f"sqlite:///{demo_db}"), load_rules()
    data, _ = read_document(DEMO_DIR / "oh-return-after-illness.yaml")
    data = copy.deepcopy(data)
    data["case_id"] = CASE
    try:
        submit_case(store, rules, data, "demo-seed", "synthetic case for the browser release test")
        evaluate_case(store, rules, CASE, "demo-seed")
        yield store
    finally:
        store.close()


def _oh_page(page) -> None:
    sign_in(page, "demo-oh")
    page.get_by_role("heading", name="Occupational health", exact=True).first.wait_for()
    pick(page, "Case", CASE)


def _member_review(page, status: str) -> str:
    """The case review as a panel member sees it, once it shows the summary's status (`status`)."""
    sign_in(page, "demo-member")
    go(page, "Case review")
    pick_case(page, CASE)
    page.get_by_text(status).first.wait_for()
    settle(page)
    return page.inner_text("body")


def test_the_summary_is_refused_before_the_person_agrees_and_shown_after(page, store):
    _oh_page(page)
    page.get_by_role("spinbutton", name="day, Review on (dd/mm/yyyy)").click()
    page.keyboard.type("01062027")      # day, month and year segments, each moving on to the next
    page.keyboard.press("Tab")
    settle(page)
    page.get_by_role("button", name="Record the OH outcome").click()
    page.get_by_text("OH outcome recorded.").first.wait_for()
    shot(page, "oh-release-1-recorded")
    page.get_by_role("button", name="Mark the summary ready to show the person").click()
    page.get_by_text("Marked ready to show the person.").first.wait_for()
    shot(page, "oh-release-2-ready")
    sign_out(page)

    text = _member_review(page, "waiting for their agreement")
    assert "Start later in the day" not in text and "Phased return" not in text
    assert page.get_by_role("button", name="Download the adjustment passport").count() == 0
    shot(page, "oh-release-3-panel-before")
    sign_out(page)

    _oh_page(page)
    page.get_by_text("Agreed to it being shared").click()
    page.get_by_label("How and when they agreed, or what they asked to change").fill(
        "Synthetic: agreed at the OH appointment.")
    page.get_by_role("button", name="Record the person's answer").click()
    page.get_by_text("The person's answer is recorded.").first.wait_for()
    shot(page, "oh-release-4-agreed")
    assert store.oh_release(CASE).released
    sign_out(page)

    _member_review(page, "The person agreed to this summary being shared.")
    page.get_by_role("button", name="Download the adjustment passport").wait_for()
    page.get_by_role("button", name="Download the manager's summary").wait_for()
    shot(page, "oh-release-5-panel-after")
