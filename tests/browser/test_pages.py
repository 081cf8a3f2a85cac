"""Every page for every role in a real browser: each role signs in, is offered exactly its pages, and
each page shows what it is for (checked here) and is kept as a screenshot named
`<role>-<page>[-<step>].png` in tests/browser/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import CHART, chart_drawn, go, nav_titles, pick, pick_case, settle, shot, sign_in

from engine.services.demo import DECIDED_CASE, DEMO_DIR

ROLES = {
    "panel_member": ("demo-member", ["Queue", "New case", "Case review", "Decision"]),
    "panel_chair": ("demo-chair", ["Queue", "New case", "Case review", "Decision"]),
    "oh_clinician": ("demo-oh", ["Occupational health"]),
    "auditor": ("demo-auditor", ["Queue", "Case review", "Decision", "Auditor", "Rules"]),
    "rules_steward": ("demo-steward", ["Rules"]),
}
# A different demo case for each role that reviews one, so that the screenshots show the variety:
# twenty records, an OH outcome and illness dates, a decided case.
REVIEWED = {"panel_member": "C-DEMO-003", "panel_chair": "C-DEMO-004", "auditor": DECIDED_CASE}
OH_CASE = "C-DEMO-004"
# Line 4 names a check level that does not exist; line 6 a field the format does not have.
BROKEN_CASE = (b"format: case/1\ncase_id: C-BROKEN-001\napplicant: {date_of_birth: 1990-01-01}\n"
               b"role: {title: Peer Support Worker, check_level: superb}\nassessed_on: 2026-12-01\n"
               b"favourite_colour: blue\nrecords: []\n")


def slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def heading(page, text: str) -> None:
    page.get_by_role("heading", name=text, exact=True).first.wait_for()


def grid_drawn(page, nth: int = 0) -> None:
    page.get_by_test_id("stDataFrame").nth(nth).locator("canvas").first.wait_for()


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)


def queue(page, role: str, name: str) -> None:
    cases = len(list(DEMO_DIR.glob("*.yaml")))
    page.get_by_text(f"Cases 1 to {cases - 1} of {cases - 1} matching ({cases} in all), by due date").wait_for()
    grid_drawn(page)                                                            # the decided one filtered out
    shot(page, name)


def new_case(page, role: str, name: str) -> None:
    shot(page, name)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "broken-case.yaml", "mimeType": "application/yaml", "buffer": BROKEN_CASE}])
    page.get_by_role("button", name="Validate and submit the file").click()
    page.get_by_text("Problems in the file").wait_for()
    settle(page)
    errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert any("role.check_level" in e and "line 4" in e for e in errors), errors
    assert any("favourite_colour" in e and ("line 6" in e or "yaml:6:" in e) for e in errors), errors
    shot(page, f"{name}-upload-errors")
    tab(page, "Fill in a form")
    page.get_by_role("button", name="Check and submit the case").click()
    settle(page)
    beside_birth_date = page.get_by_test_id("stAlertContentError").filter(has_text="Date of birth: This is needed")
    beside_birth_date.first.wait_for()
    shot(page, f"{name}-form-errors")


def case_review(page, role: str, name: str) -> None:
    pick_case(page, REVIEWED[role])
    page.get_by_role("heading", name=re.compile(r"^Recommendation: ")).wait_for()
    chart_drawn(page)
    assert page.locator(CHART).first.locator("canvas, svg").first.bounding_box()["height"] > 100
    heading(page, "Records")
    if role == "panel_chair":   # C-DEMO-004's only record is set aside: the panel sees a count, not the record
        page.get_by_text("1 record is set aside because the law does not allow them").wait_for()
    elif role == "auditor":     # the decided demo case has no records
        page.get_by_text("No records on the certificate or declared.").wait_for()
    else:
        grid_drawn(page)
    shot(page, name)


def decision(page, role: str, name: str) -> None:
    heading(page, "Members' views")
    if role == "panel_member":
        page.get_by_role("button", name="Record my view").wait_for()
    elif role == "panel_chair":
        page.get_by_role("button", name="Record the decision").wait_for()
    else:
        page.get_by_text("demo-chair agreed with the recommendation").wait_for()   # the decided demo case
        settle(page)
        assert page.get_by_test_id("stForm").count() == 0             # the auditor reads, never writes
    decided = role not in ("panel_member", "panel_chair")
    page.get_by_role("button", name="Download the letter (PDF)" if decided else
                     "Download the holding letter (PDF)").wait_for()
    shot(page, name)


def occupational_health(page, role: str, name: str) -> None:
    pick(page, "Case", OH_CASE)
    heading(page, "The rules suggest: Fit with adjustments")
    shot(page, name)
    page.get_by_label("Clinical note (seen by occupational health only)").fill("Agreed at the OH appointment.")
    page.get_by_role("button", name="Record the OH outcome").click()
    page.get_by_text("OH outcome recorded.", exact=False).first.wait_for()
    settle(page)
    # the manager's summary as the person will see it first, with both downloads (issue 17)
    heading(page, "For the manager (no clinical detail), as the person sees it")
    summary = page.get_by_test_id("stText").filter(has_text=re.compile("fit for the role", re.I)).last.inner_text()
    assert "fit" in summary.lower() and "- " in summary, summary
    page.get_by_role("button", name="Download the adjustment passport").wait_for()
    page.get_by_role("button", name="Mark the summary ready to show the person").wait_for()
    shot(page, f"{name}-recorded")


def auditor(page, role: str, name: str) -> None:
    page.get_by_role("button", name="Verify the audit chain").click()
    page.get_by_text(re.compile(r"Audit chain verified: [\d,]+ events")).wait_for()
    settle(page)
    shot(page, name)
    tab(page, "Decision history")
    page.get_by_text(f"{DECIDED_CASE} on").first.wait_for()
    grid_drawn(page)
    shot(page, f"{name}-history")
    tab(page, "Replay")
    page.get_by_role("button", name="Replay every decision").click()
    page.get_by_text(re.compile(r"evaluations replayed under")).wait_for()
    settle(page)
    assert not page.get_by_text("not reproduced exactly").count()
    shot(page, f"{name}-replay")
    tab(page, "Audit report")
    page.get_by_role("button", name="Build the audit report").click()
    page.get_by_test_id("stImage").nth(4).wait_for()         # one chart per figure of the report
    settle(page)
    shot(page, f"{name}-report")
    tab(page, "Access log")
    grid_drawn(page, -1)
    shot(page, f"{name}-access-log")
    tab(page, "Pseudonymised export")
    page.get_by_role("button", name="Prepare the export").click()
    page.get_by_role("button", name="Download the pseudonymised export (zip)").wait_for()
    shot(page, f"{name}-export")


def rules(page, role: str, name: str) -> None:
    page.get_by_text(re.compile(r"Working-tree rules version sha256:\w+: \d+ rule sets")).wait_for()
    page.get_by_test_id("stExpander").first.wait_for()
    shot(page, name)
    tab(page, "Lint")
    page.get_by_text("Lint: no problems").wait_for()
    shot(page, f"{name}-lint")
    tab(page, "Casebank impact")
    if role == "rules_steward":
        page.get_by_role("button", name="Run the casebank under both rule versions").click()
        page.get_by_text(re.compile(r"Published sha256:\w+ → working tree")).wait_for()
    else:
        page.get_by_text(re.compile(r"may not .*casebank impact|may not")).first.wait_for()
    settle(page)
    shot(page, f"{name}-impact")


PAGES: dict[str, Callable[[object, str, str], None]] = {
    "Queue": queue, "New case": new_case, "Case review": case_review, "Decision": decision,
    "Occupational health": occupational_health, "Auditor": auditor, "Rules": rules,
}


SHOWN = tuple(ROLES)


@pytest.mark.parametrize("role", SHOWN)
def test_every_page_of_the_role(page, role):
    username, titles = ROLES[role]
    sign_in(page, username)
    # Streamlit shows no page list when a role has only one page
    assert nav_titles(page) == (titles if len(titles) > 1 else [])
    for n, title in enumerate(titles):
        if n:
            go(page, title)
        else:
            heading(page, title)        # the first page is where signing in lands
        PAGES[title](page, role, f"{role}-{slug(title)}")
