"""The queue and the auditor's page in a real browser, with more cases than fit on a page: the queue pages,
filters and flags overdue cases, opens a case; the auditor verifies the chain, reads the history, replays,
builds the report, filters the access log and prepares the export. Screenshots (queue-*.png, audit-*.png in
tests/browser/artifacts/) are checked by axe-core like every other, and the page text is checked for what a
person should never read: an outcome code, a Python dict, an ISO date or a salt."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from browser_helpers import go, settle, shot, sign_in

from engine.case.loader import read_document
from engine.report.rulebase import load_rules
from engine.services import access
from engine.services.demo import DECIDED_CASE, DEMO_DIR
from engine.store import open_store
from engine.store.service import submit_case

OLD, FRESH = 3, 40          # synthetic cases: arrived 40 days ago (overdue), and today
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SALT_LIKE = re.compile(r"\b[0-9a-f]{32,}\b")


@pytest.fixture(scope="module")
def crowded(demo_db: Path, app_url: str) -> str:
    """The served demo store with 43 synthetic cases more (stored, not evaluated), three of them overdue."""
    rules = load_rules()
    data, _ = read_document(DEMO_DIR / "peer-support-worker.yaml")
    for n in range(OLD + FRESH):
        early = n < OLD
        store = open_store(f"sqlite:///{demo_db}", clock=(lambda: datetime.now(UTC) - timedelta(days=40))
                           if early else None)
        case = {**copy.deepcopy(data), "case_id": f"C-SYN-{n:03d}",
                "assessed_on": date(2026, 1, 1) if early else date(2026, 6, 1)}
        try:
            submit_case(store, rules, case, "demo-seed", "synthetic case for the browser queue test")
        finally:
            store.close()
    return app_url


def _main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def _reads_well(page) -> None:
    """No outcome code, no dict, no ISO date in what the page shows as text."""
    text = _main_text(page)
    codes = [c for c in access.outcome_words(load_rules()) if "_" in c and c in text]
    assert not codes, codes
    assert "{'" not in text and not ISO_DATE.search(text), ISO_DATE.findall(text)


def _caption(page, starts: str) -> None:
    page.get_by_text(re.compile("^" + re.escape(starts))).first.wait_for()
    settle(page)


def test_the_queue_pages_filters_and_flags(page, crowded):
    sign_in(page, "demo-chair")
    total = len(list(DEMO_DIR.glob("*.yaml"))) + OLD + FRESH
    _caption(page, f"Cases 1 to 25 of {total - 1} matching ({total} in all), by due date; page 1 of 2")
    page.get_by_text(f"{OLD} cases are overdue: no decision").wait_for()
    _reads_well(page)
    shot(page, "queue-page-1")
    page.get_by_role("button", name="Next page").click()
    _caption(page, f"Cases 26 to {total - 1} of {total - 1} matching")
    _reads_well(page)
    shot(page, "queue-page-2")
    page.get_by_test_id("stCheckbox").get_by_text("Only overdue cases").click()
    _caption(page, f"Cases 1 to {OLD} of {OLD} matching")
    shot(page, "queue-overdue")
    page.get_by_test_id("stCheckbox").get_by_text("Only overdue cases").click()
    field = page.get_by_label("Case or role contains")
    field.fill("demo-003")
    field.press("Enter")
    _caption(page, "Cases 1 to 1 of 1 matching")
    page.get_by_role("button", name="Open case review").click()
    page.get_by_role("heading", name=re.compile(r"^Recommendation: ")).wait_for()
    settle(page)
    assert "C-DEMO-003" in _main_text(page)


def test_the_auditor_page_reads_well(page, crowded):
    sign_in(page, "demo-auditor")
    go(page, "Auditor")
    page.get_by_role("button", name="Verify the audit chain").click()
    page.get_by_text(re.compile(r"Audit chain verified: [\d,]+ events")).wait_for()
    settle(page)
    shot(page, "audit-chain")
    _tab(page, "Decision history")
    page.get_by_text(f"{DECIDED_CASE} on").first.wait_for()
    _reads_well(page)
    shot(page, "audit-history")
    _tab(page, "Replay")
    page.get_by_role("button", name="Replay every decision").click()
    page.get_by_text("Reproduced exactly").first.wait_for()
    settle(page)
    _reads_well(page)
    shot(page, "audit-replay")
    _tab(page, "Audit report")
    page.get_by_role("button", name="Build the audit report").click()
    page.get_by_test_id("stImage").nth(4).wait_for()
    settle(page)
    shot(page, "audit-report")
    _tab(page, "Access log")
    page.get_by_label("Case id contains").last.fill("demo-005")
    page.get_by_label("Case id contains").last.press("Enter")
    page.get_by_text(re.compile(r"^([\d,]+ entries match|1 entry matches), newest first")).wait_for()
    settle(page)
    shot(page, "audit-access-log")
    _tab(page, "Pseudonymised export")
    page.get_by_role("button", name="Prepare the export").click()
    page.get_by_text(re.compile(r"^Wrote 8 tables into ")).wait_for()
    page.get_by_role("button", name="Download the salt (keep it apart from the export)").wait_for()
    settle(page)
    assert not SALT_LIKE.search(_main_text(page))
    shot(page, "audit-export")


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)
