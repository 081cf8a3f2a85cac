"""Faults and load: a writer killed with SIGKILL mid-transaction, and two writers at once."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from store_cases import REFER, case_data
from writer import run

from engine.store import open_store
from engine.store.chain import canonical
from engine.store.service import evaluate_case, keep_rules, submit_case

WRITER = Path(__file__).with_name("writer.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(store, rules, tmp_path) -> Path:
    """A migrated store holding the rules snapshot, and the case and report the writers store."""
    data = case_data(REFER)
    submit_case(store, rules, data, "demo-panel", "entered")
    report = evaluate_case(store, rules, data["case_id"], "demo-panel").report
    keep_rules(store, rules, "demo-panel")
    (tmp_path / "case.json").write_text(canonical(data))
    (tmp_path / "report.json").write_text(canonical(report))
    return tmp_path


def _consistency(url: str) -> dict[str, int]:
    """Counts, after checking that nothing is half-written."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            q = lambda sql: conn.execute(text(sql)).scalar_one()  # noqa: E731
            assert q("SELECT count(*) FROM evaluations e LEFT JOIN report_payloads p ON p.evaluation_id = e.id "
                     "WHERE p.evaluation_id IS NULL") == 0
            assert q("SELECT count(*) FROM case_versions v LEFT JOIN case_payloads p ON p.case_version_id = v.id "
                     "WHERE p.case_version_id IS NULL") == 0
            return {t: q(f"SELECT count(*) FROM {t}") for t in ("case_versions", "evaluations", "decisions",
                                                                "audit_log")}
    finally:
        engine.dispose()


def _writer(url: str, work: Path, prefix: str, count: int, *pause: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WRITER), url, str(work), prefix, str(count), *map(str, pause)],
                            stdout=subprocess.PIPE, text=True, env=env)


def test_sigkill_inside_a_transaction_leaves_the_store_consistent(store_url, work):
    writer = _writer(store_url, work, "C-KILL", 10, 3)
    lines = [writer.stdout.readline().strip() for _ in range(4)]
    assert lines == ["done 0", "done 1", "done 2", "inside"]
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    counts = _consistency(store_url)
    # One case, its evaluation, and three whole items: the fourth item's case version only.
    assert counts == {"case_versions": 1 + 4, "evaluations": 1 + 3, "decisions": 3, "audit_log": 3 + 4 * 3 + 1}
    store = open_store(store_url)
    try:
        assert store.verify_chain().ok
        assert store.evaluations("C-KILL-0003") == []
        store.record_evaluation("C-KILL-0003", 1, {**store.evaluations("C-KILL-0002")[0].report,
                                                   "case_id": "C-KILL-0003"}, "native", "demo-panel")
        assert store.verify_chain().ok  # the killed writer left no lock behind
    finally:
        store.close()


def test_sigkill_at_a_random_moment_of_a_busy_writer(store_url, work):
    writer = _writer(store_url, work, "C-BUSY", 1000)
    for _ in range(5):
        writer.stdout.readline()
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    counts = _consistency(store_url)
    assert counts["decisions"] >= 5
    store = open_store(store_url)
    try:
        status = store.verify_chain()
        assert status.ok and status.events == counts["audit_log"]
    finally:
        store.close()


def test_two_writers_at_once_lose_nothing(store_url, work):
    count = 15
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(2)
    writers = [spawn.Process(target=run, args=(store_url, work, prefix, count, None, start, 0.05))
               for prefix in ("C-ONE", "C-TWO")]
    for w in writers:
        w.start()
    for w in writers:
        w.join(timeout=300)
    assert [w.exitcode for w in writers] == [0, 0]
    counts = _consistency(store_url)
    assert counts == {"case_versions": 1 + 2 * count, "evaluations": 1 + 2 * count, "decisions": 2 * count,
                      "audit_log": 3 + 2 * count * 4}
    store = open_store(store_url)
    try:
        status = store.verify_chain()
        assert status.ok and status.events == counts["audit_log"]
        actions = [e.action for e in store.audit_events()]
        assert actions.count("decision.record") == 2 * count
        assert len({d.case_id for d in store.decisions()}) == 2 * count
        order = [e.entity_id[:5] for e in store.audit_events() if e.action == "case.version"][1:]
        assert sum(a != b for a, b in pairwise(order)) >= 2, "the two writers did not overlap"
    finally:
        store.close()
