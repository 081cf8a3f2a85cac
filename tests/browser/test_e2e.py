"""End to end in a real browser: `streamlit run` on a free loopback port against a fresh seeded store;
sign in, open the 20-record demo case, see the timeline, record a member's view and the chair's
decision, find it in the auditor's history. Screenshots of each step go to tests/browser/artifacts/
(flow-*.png). The case review's render time is printed at the end of the run (not asserted)."""

from __future__ import annotations

import re
import time

from browser_helpers import chart_drawn, go, pick, pick_case, settle, shot, sign_in, sign_out

CASE = "C-DEMO-003"          # the demo case with 20 records


def test_review_decide_and_audit(page, figure):
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_by_text("Synthetic demo data").is_visible()
    shot(page, "flow-01-sign-in")

    sign_in(page, "demo-member")
    shot(page, "flow-02-queue")
    go(page, "Case review")
    started = time.perf_counter()
    pick_case(page, CASE)
    page.get_by_role("heading", name="Recommendation: appoint with safeguards").wait_for()
    chart_drawn(page)
    rendered = time.perf_counter() - started
    server = re.search(r"Rendered in ([\d.]+) s", page.get_by_text("Rendered in").inner_text())
    figure(f"case review of {CASE} (20 records): {rendered:.2f} s in the browser (choosing the case to the "
           f"timeline drawn), {server.group(1)} s of it in the page script; goal under 2 s")
    shot(page, "flow-03-case-review")

    go(page, "Decision")
    pick(page, "Your role on the panel", "a peer worker")
    page.get_by_role("button", name="Record my view").click()
    page.get_by_text("Recorded.").wait_for()
    settle(page)
    assert "a peer worker" in page.get_by_test_id("stTable").first.inner_text()
    shot(page, "flow-04-member-view")
    sign_out(page)

    sign_in(page, "demo-chair")
    go(page, "Decision")
    pick_case(page, CASE)
    page.get_by_label("Rationale (required, whether agreeing or overriding)").fill(
        "Agree: agree the money and records checks with the applicant before the start.")
    page.get_by_label("Discussion with the applicant (required before not appointing)").fill(
        "Discussed the records with the applicant on the phone; further references invited.")
    pick(page, "Your own seat on the panel (if you sit in one)", "a general manager")
    page.get_by_label("Why is an HR representative absent? (if deciding without them)").fill(
        "Synthetic: the HR representative was on leave; agreed in advance.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("demo-chair agreed with the recommendation").wait_for()
    shot(page, "flow-05-chair-decision")
    sign_out(page)

    sign_in(page, "demo-auditor")
    go(page, "Auditor")
    page.get_by_role("button", name="Verify the audit chain").click()
    page.get_by_text("Audit chain verified").wait_for()
    page.get_by_role("tab", name="Decision history", exact=True).click()
    entry = page.get_by_text(f"{CASE} on", exact=False)
    entry.first.wait_for()
    assert "demo-chair agreed" in entry.first.inner_text()
    shot(page, "flow-06-auditor-history")
