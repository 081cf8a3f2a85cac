"""A process writing panel records in a loop, for the fault and concurrency tests.

    python writer.py URL WORK PREFIX COUNT [PAUSE_AT]

WORK holds case.json and report.json (one real case and its report). Each item is a case version,
its evaluation, a member view and the decision, every one a store write of its own. With PAUSE_AT,
the write of that item's evaluation stops inside its transaction (after its rows and audit event are
flushed, before the commit), says "inside" and waits to be killed.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from engine.store import chain, open_store


def write_item(store, case: dict, report: dict, case_id: str) -> None:
    store.add_case_version({**case, "case_id": case_id}, "demo-panel", "entered from the certificate")
    evaluation = store.record_evaluation(case_id, 1, {**report, "case_id": case_id}, "native", "demo-panel")
    store.record_member_view(evaluation.id, "demo-peer", "peer_worker", evaluation.outcome, "", "demo-peer")
    store.record_decision(evaluation.id, "demo-chair", evaluation.outcome, True, "as recommended",
                          date(2026, 11, 30), "discussed with the applicant", "demo-chair",
                          chair_role="general_manager", absences={"hr": "Synthetic test: on leave."})


def pause_inside_next_evaluation() -> None:
    original = chain.append

    def append(session, keys, at, actor, action, *rest):
        row = original(session, keys, at, actor, action, *rest)
        if action == "evaluation.record":
            print("inside", flush=True)
            time.sleep(600)
        return row

    chain.append = append


def run(url: str, work: Path, prefix: str, count: int, pause_at: int | None = None, start=None,
        gap: float = 0.0) -> None:
    """`start`, a multiprocessing barrier, lines writers up; a `gap` between items lets them interleave
    (a writer waiting on SQLite's lock backs off, so a writer that never pauses would finish first)."""
    case = json.loads((work / "case.json").read_text())
    report = json.loads((work / "report.json").read_text())
    store = open_store(url)
    if start is not None:
        start.wait(timeout=120)
    for i in range(count):
        if i == pause_at:
            pause_inside_next_evaluation()
        write_item(store, case, report, f"{prefix}-{i:04d}")
        print(f"done {i}", flush=True)
        time.sleep(gap)
    store.close()


if __name__ == "__main__":
    url, work, prefix, count, *pause = sys.argv[1:]
    run(url, Path(work), prefix, int(count), int(pause[0]) if pause else None)
