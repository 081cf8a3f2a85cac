"""Benchmark the panel app's pages (a script, not a test): how long each page takes to render in headless
Chromium with 10,000 cases stored, against the same pages with 100 cases, in the same run.

For each size a fresh SQLite store is seeded as `make run` seeds it (the demo accounts and the seven
synthetic demo cases, evaluated, one decided), then filled with synthetic copies of the demo cases (a new
case id each, arriving over the last 120 days; about a third decided, a few with an OH outcome, one access-log
row each). The copies are written in bulk: a few hundred rows to a transaction through the store's own
`transaction()` and `event()`, each row with its audit event, so the chain verifies; the reports are the demo
cases' stored reports under the new id, so a review shows a real report. Then `streamlit run` serves the
store (tests/browser/browser_helpers.py) and each page is timed for the role that uses it, from the click to
the page drawn: the queue (page 1, a later page, a text filter, the overdue filter), a case review opened
from the queue, the Decision page, the Auditor page, the OH page and the Rules page. Each figure is the
median of --repeat runs. Goal: every page under 2 s at 10,000 cases.

    .venv/bin/python benchmarks/pages_bench.py                  # 10,000 cases against 100 (a few minutes)
    .venv/bin/python benchmarks/pages_bench.py --cases 2000 --repeat 1
    make bench-pages
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.report.rulebase import Rules, load_rules
from engine.services.demo import seed
from engine.store import Store, open_store
from engine.store.chain import canonical, sha256
from engine.store.keys import ANCHOR_SUFFIX
from engine.store.schema import (
    AccessRow,
    CasePayloadRow,
    CaseVersionRow,
    DecisionRow,
    EvaluationRow,
    OhOutcomeRow,
    ReportPayloadRow,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_helpers import CHROMIUM, go, start_streamlit, stop  # noqa: E402 - a helper folder, not a package

GOAL = 2.0                  # seconds, every page
BATCH = 400                 # synthetic cases written in one transaction
ARRIVAL_DAYS = 120          # arrivals spread over the last 120 days
DECIDED = 0.35              # share of synthetic cases with a decision
OH_RECORDED = 0.05          # share with an OH outcome
ACTOR = "bench-seed"
WAIT_MS = 120_000
OH_CASE = "C-DEMO-004"      # the demo case with illness dates and an OH section
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# --- filling the store -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    data: dict[str, Any]
    report: dict[str, Any]


def templates(store: Store) -> list[Template]:
    """The demo cases as stored and evaluated by the demo seed: the shapes the copies take."""
    out = []
    for summary in store.list_cases():
        evaluation = store.evaluations(summary.case_id)[-1]
        out.append(Template(store.case_version(summary.case_id).data, evaluation.report))
    return out


def _case(s: Any, store: Store, case_id: str, t: Template, arrived: datetime) -> EvaluationRow:
    data = {**copy.deepcopy(t.data), "case_id": case_id}
    text = canonical(data)
    row = CaseVersionRow(case_id=case_id, version=1, created_at=arrived, created_by=ACTOR,
                         reason="synthetic benchmark case", content_hash=sha256(text),
                         role_title=data["role"]["title"], assessed_on=datetime.fromisoformat(
                             str(data["assessed_on"])).date())
    s.add(row)
    s.flush()
    s.add(CasePayloadRow(case_version_id=row.id, data=text))
    store.event(s, ACTOR, "case.version", "case_version", f"{case_id}/1", row.record(), at=arrived)
    report = {**t.report, "case_id": case_id}
    report_text = canonical(report)
    evaluation = EvaluationRow(case_version_id=row.id, case_id=case_id, version=1,
                               rules_version=report["rules_version"], engine_version=report["engine_version"],
                               evaluator="native", as_at=row.assessed_on, created_at=arrived, created_by=ACTOR,
                               outcome=report["recommendation"]["outcome"],
                               discuss_before_withdrawal=bool(report["recommendation"]["discuss_before_withdrawal"]),
                               report_hash=sha256(report_text))
    s.add(evaluation)
    s.flush()
    s.add(ReportPayloadRow(evaluation_id=evaluation.id, report=report_text))
    store.event(s, ACTOR, "evaluation.record", "evaluation", str(evaluation.id), evaluation.record(), at=arrived)
    return evaluation


def _decision(s: Any, store: Store, evaluation: EvaluationRow, rng: random.Random, now: datetime) -> None:
    recorded = min(now, evaluation.created_at + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8)))
    final = evaluation.outcome if rng.random() < 0.9 else rng.choice(["refer_to_panel", "appoint_with_safeguards"])
    members = [["demo-member", "hr", final], ["demo-peer", "peer_worker", final],
               ["demo-chair", "general_manager", final]]
    row = DecisionRow(evaluation_id=evaluation.id, case_id=evaluation.case_id, chair="demo-chair",
                      members=canonical(members), recommended=evaluation.outcome, final_outcome=final,
                      agrees=final == evaluation.outcome, rationale="Synthetic benchmark decision.",
                      applicant_discussion=None, decided_on=recorded.date(), created_at=recorded,
                      created_by="demo-chair", chair_role="general_manager")
    s.add(row)
    s.flush()
    store.event(s, "demo-chair", "decision.record", "decision", str(row.id), row.record(), at=recorded)


def _extras(s: Any, store: Store, evaluation: EvaluationRow, rng: random.Random) -> None:
    seen = evaluation.created_at + timedelta(hours=1)
    access = AccessRow(at=seen, actor=rng.choice(["demo-member", "demo-chair", "demo-peer"]),
                       case_id=evaluation.case_id, data_kind="criminal_record", purpose="case review")
    s.add(access)
    s.flush()
    store.event(s, access.actor, "access.log", "access", str(access.id), access.record(), at=seen)
    if rng.random() < OH_RECORDED:
        oh = OhOutcomeRow(evaluation_id=evaluation.id, case_id=evaluation.case_id, clinician="demo-oh", outcome="fit",
                          adjustments="[]", review_on=None, note="Synthetic.", created_at=seen, created_by="demo-oh")
        s.add(oh)
        s.flush()
        store.event(s, "demo-oh", "oh_outcome.record", "oh_outcome", str(oh.id), oh.record(), at=seen)


def fill(db: Path, n: int, rules: Rules, seed_value: int = 18) -> float:
    """A fresh store: the demo seed, then n synthetic cases in bulk. Returns the seconds it took."""
    for suffix in ("", "-wal", "-shm", ".audit-key", ANCHOR_SUFFIX):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = open_store(f"sqlite:///{db}")
    try:
        seed(store, rules)
        shapes, rng, now = templates(store), random.Random(seed_value), datetime.now(UTC)
        for first in range(0, n, BATCH):
            with store.transaction() as s:
                for i in range(first, min(n, first + BATCH)):
                    arrived = now - timedelta(days=rng.uniform(0, ARRIVAL_DAYS))
                    evaluation = _case(s, store, f"C-BENCH-{i:05d}", shapes[i % len(shapes)], arrived)
                    if rng.random() < DECIDED:
                        _decision(s, store, evaluation, rng, now)
                    _extras(s, store, evaluation, rng)
    finally:
        store.close()
    return time.perf_counter() - started


# --- measuring in the browser ------------------------------------------------------------------------------

def ready(page) -> None:
    """The script run has finished and nothing is still a loading placeholder (no fixed wait: timed)."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")")


def grid_drawn(page) -> None:
    page.get_by_test_id("stDataFrame").first.locator("canvas").first.wait_for()


def timed(action: Callable[[], None], done: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    done()
    return time.perf_counter() - started


def fill_sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(f"{username}-pass")


def signed_in(page) -> None:
    page.get_by_text("Signed in as").wait_for()
    ready(page)


def sign_in(page, url: str, username: str) -> None:
    fill_sign_in(page, url, username)
    page.get_by_role("button", name="Sign in").click()
    signed_in(page)


def caption_says(page, text: str) -> Callable[[], None]:
    def done() -> None:
        page.get_by_text(text).first.wait_for()
        ready(page)
        grid_drawn(page)
    return done


def panel_pages(page, url: str) -> dict[str, float]:
    """The chair's pages: the queue (first page, a later page, filters), a case opened from it, Decision."""
    fill_sign_in(page, url, "demo-chair")
    out = {"Sign in, landing on the queue": timed(page.get_by_role("button", name="Sign in").click,
                                                  lambda: (signed_in(page), grid_drawn(page)))}
    go(page, "New case")
    out["Queue, page 1"] = timed(lambda: page.get_by_test_id("stSidebarNav").get_by_text("Queue", exact=True).click(),
                                 caption_says(page, "by due date; page 1 of"))
    pages = int(page.get_by_text("by due date; page 1 of").first.inner_text().rsplit(" ", 1)[-1].replace(",", ""))
    later = max(2, pages // 2)
    box = page.get_by_label(f"Page of cases (1 to {pages:,})")
    out["Queue, the middle page"] = timed(lambda: (box.fill(str(later)), box.press("Enter")),
                                          caption_says(page, f"page {later:,} of"))
    field = page.get_by_label("Case or role contains")
    out["Queue, text filter"] = timed(lambda: (field.fill("00042"), field.press("Enter")),
                                      caption_says(page, "of 1 matching ("))
    field.fill("")
    field.press("Enter")
    ready(page)
    overdue = page.get_by_text(re.compile(r"^[\d,]+ cases? (are|is) overdue")).first.inner_text().split(" ")[0]
    tick = page.get_by_test_id("stCheckbox").get_by_text("Only overdue cases")
    out["Queue, overdue only"] = timed(tick.click, caption_says(page, f"of {overdue} matching ("))
    opening = page.get_by_role("button", name="Open case review")
    out["Case review, opened from the queue"] = timed(opening.click, lambda: review_drawn(page))
    out["Decision"] = timed(lambda: page.get_by_test_id("stSidebarNav").get_by_text("Decision", exact=True).click(),
                            lambda: (page.get_by_role("heading", name="Members' views").wait_for(), ready(page)))
    return out


def review_drawn(page) -> None:
    page.get_by_role("heading", name="Case review", exact=True).wait_for()
    page.get_by_role("heading", name="Timeline").wait_for()
    ready(page)
    page.locator("[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart']").first.locator(
        "canvas, svg").first.wait_for()


def auditor_page(page, url: str) -> dict[str, float]:
    sign_in(page, url, "demo-auditor")
    took = timed(lambda: page.get_by_test_id("stSidebarNav").get_by_text("Auditor", exact=True).click(),
                 lambda: (page.get_by_role("heading", name="Auditor", exact=True).wait_for(), ready(page),
                          page.get_by_role("tab", name="Access log").wait_for()))
    return {"Auditor (every tab drawn: history, access log)": took}


def single_page_roles(page, url: str) -> dict[str, float]:
    """The OH clinician and the rules steward have one page each: timed as they choose a case, or search."""
    sign_in(page, url, "demo-oh")
    page.get_by_role("heading", name="Health and functional needs").wait_for()
    find = page.get_by_label("Find a case by part of its id or role")
    out = {"Occupational health, a case found": timed(      # the list holds 50 cases; others are found by id
        lambda: (find.fill(OH_CASE), find.press("Enter")),
        lambda: (page.get_by_text(f"{OH_CASE} · ").first.wait_for(), ready(page),
                 page.get_by_role("heading", name="Health and functional needs").wait_for()))}
    sign_in(page, url, "demo-steward")
    field = page.get_by_label("Find a rule (id, title or source)")
    out["Rules, a search"] = timed(lambda: (field.fill("FW-OUT-BARRED"), field.press("Enter")),
                                   lambda: (page.get_by_text("Barred from the regulated activity").first.wait_for(),
                                            ready(page)))
    return out


def measure(browser, url: str, repeat: int) -> dict[str, float]:
    runs: dict[str, list[float]] = {}
    for _ in range(repeat + 1):         # the first round warms the server (rules loaded, caches filled)
        for step in (panel_pages, auditor_page, single_page_roles):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            for name, seconds in step(page, url).items():
                runs.setdefault(name, []).append(seconds)
            context.close()
    return {name: statistics.median(values[1:]) for name, values in runs.items()}


def run_size(browser, db: Path, n: int, rules: Rules, repeat: int) -> dict[str, float]:
    seconds = fill(db, n, rules)
    print(f"  {n:,} synthetic cases (+ 7 demo cases) stored in {seconds:.0f} s: {db}", flush=True)
    process, url = start_streamlit(ROOT, f"sqlite:///{db}")
    try:
        return measure(browser, url, repeat)
    finally:
        stop(process)


def table(base: dict[str, float], big: dict[str, float], n_base: int, n_big: int) -> str:
    width = max(len(k) for k in big)
    lines = [f"{'page'.ljust(width)}  {f'{n_base:,} cases':>12}  {f'{n_big:,} cases':>13}  {'ratio':>6}  "
             f"under {GOAL:g} s", "-" * (width + 52)]
    for name, seconds in big.items():
        before = base.get(name)
        ratio = f"{seconds / before:6.2f}" if before else "     -"
        lines.append(f"{name.ljust(width)}  {before or 0:11.2f}s  {seconds:12.2f}s  {ratio}  "
                     f"{'yes' if seconds < GOAL else 'NO'}")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--baseline", type=int, default=100, help="cases in the baseline run (default 100)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per page after a warm-up (median shown)")
    p.add_argument("--dir", type=Path, help="where the two SQLite stores go (default: a temporary folder)")
    args = p.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    folder = args.dir or Path(tempfile.mkdtemp(prefix="fairchance-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    rules = load_rules()
    print(f"pages benchmark: {args.baseline:,} then {args.cases:,} synthetic cases, {args.repeat} timed runs a page")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            base = run_size(browser, folder / f"pages-{args.baseline}.db", args.baseline, rules, args.repeat)
            big = run_size(browser, folder / f"pages-{args.cases}.db", args.cases, rules, args.repeat)
        finally:
            browser.close()
    print(f"\nseconds from the click to the page drawn, median of {args.repeat} (headless Chromium, "
          f"{' '.join(FLAGS)}):\n")
    print(table(base, big, args.baseline, args.cases))
    slow = [k for k, v in big.items() if v >= GOAL]
    verdict = "met" if not slow else "NOT met: " + ", ".join(slow)
    print(f"\ngoal: every page under {GOAL:g} s at {args.cases:,} cases: {verdict}")


if __name__ == "__main__":
    main()
