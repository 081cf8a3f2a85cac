"""Benchmark replay (a script, not a test): store N synthetic evaluations on SQLite, replay them at-decision.

The cases are the casebank's (legal, framework, oh), each copied with a new case_id and every date shifted
by the same random number of days (so the facts keep their shape while the regimes in force, the ages and
the time since each record vary). Each is evaluated and stored through the store's own API (one
transaction per write, each with its audit event). Then, in the same process:

  - baseline 1: assess() alone on a sample of the same cases (case objects built beforehand), one core;
  - baseline 2: reading the rows alone (metadata, case and report payloads), as replay reads them;
  - replay at-decision end to end with --workers processes, which must reproduce every report;

and prints cases per second, peak memory (resident memory of the main process and the workers, sampled
from /proc during the replay; tracemalloc in the main process; ru_maxrss), the ratios, and with
--profile the functions replay spends its time in.

    .venv/bin/python benchmarks/replay_bench.py                 # 100,000 cases (storing takes a while)
    .venv/bin/python benchmarks/replay_bench.py --cases 5000    # a smaller run
    .venv/bin/python benchmarks/replay_bench.py --reuse         # replay an already stored database again
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import itertools
import multiprocessing
import os
import pstats
import random
import resource
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.case.loader import case_from_data
from engine.files.problems import InputError
from engine.report.assess import assess
from engine.report.rulebase import Rules, load_rules
from engine.services.casebank import casebank_files, split_expect
from engine.store import Store, open_store
from engine.store import replay as replay_module
from engine.store.schema import EvaluationRow
from engine.store.service import keep_rules

CASEBANK = Path(__file__).resolve().parents[1] / "casebank"
GOAL = 2000          # cases per second, end to end, on this 2-core machine
MAX_SHIFT_DAYS = 3 * 365
BASELINE_SAMPLE = 3000
PROFILE_SAMPLE = 1500
STORE_CHUNK = 64
FILL_SLICE = 10_000
SAMPLE_SECONDS = 0.25


def _shift(value: Any, days: int) -> Any:
    if isinstance(value, date):
        return value + timedelta(days=days)
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def _bases(rules: Rules) -> list[dict[str, Any]]:
    out = []
    for file in casebank_files(CASEBANK):
        try:
            data, _, lines = split_expect(file)
            case_from_data(data, lines, str(file), rules.tables)
        except InputError:
            continue   # the casebank's deliberately invalid cases
        out.append(data)
    return out


def synthetic(bases: list[dict[str, Any]], n: int, seed: int = 6) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        data = _shift(copy.deepcopy(bases[i % len(bases)]), -rng.randint(0, MAX_SHIFT_DAYS))
        data["case_id"] = f"SYN-{i:06d}"
        yield data


_rules: list[Rules] = []


def _evaluate(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if not _rules:
        _rules.append(load_rules())
    rules = _rules[0]
    try:
        case = case_from_data(data, {}, data["case_id"], rules.tables)
    except InputError:
        return data, None
    return data, assess(case, rules, case.assessed_on, "native")


def _stored_count(store: Store) -> int:
    with store.reading() as s:
        return s.scalar(select(func.count(EvaluationRow.id))) or 0


def fill(store: Store, rules: Rules, n: int, workers: int) -> tuple[int, float]:
    """Evaluate in worker processes; store in this one, through the public API."""
    keep_rules(store, rules, "bench-steward")
    started, stored, skipped = time.perf_counter(), 0, 0
    cases = synthetic(_bases(rules), n)
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        # A slice at a time: Pool.imap would queue every case and pile up reports while the writes lag behind.
        while batch := list(itertools.islice(cases, FILL_SLICE)):
            for data, report in pool.map(_evaluate, batch, chunksize=STORE_CHUNK):
                if report is None:
                    skipped += 1
                    continue
                store.add_case_version(data, "bench-steward", "synthetic benchmark case")
                store.record_evaluation(data["case_id"], 1, report, "native", "bench-steward")
                stored += 1
            print(f"  stored {stored:,} ({stored / (time.perf_counter() - started):.0f} a second)", flush=True)
    if skipped:
        print(f"  {skipped} shifted cases did not validate and were left out")
    return stored, time.perf_counter() - started


def baseline_assess(rules: Rules, n: int) -> float:
    """Cases per second for assess() alone, one core, on the same kind of cases."""
    cases = [case_from_data(d, {}, d["case_id"], rules.tables) for d in synthetic(_bases(rules), n)]
    started = time.perf_counter()
    for case in cases:
        assess(case, rules, case.assessed_on, "native")
    return len(cases) / (time.perf_counter() - started)


def baseline_read(store: Store) -> tuple[int, float]:
    with store.reading() as s:
        engine = s.get_bind()
    started, rows = time.perf_counter(), 0
    for _ in replay_module._rows(engine, None):
        rows += 1
    return rows, rows / (time.perf_counter() - started)


def profile(store: Store, n: int) -> str:
    """Where a single-process replay spends its time, on the first n rows."""
    with store.reading() as s:
        engine = s.get_bind()
    rows = [r for _, r in zip(range(n), replay_module._rows(engine, None), strict=False)]
    replayer = replay_module._Replayer("at-decision", replay_module._snapshot_reader(engine), None)
    replayer.replay(rows[0])   # the rules are rebuilt once; leave that out
    prof = cProfile.Profile()
    prof.enable()
    for row in rows:
        replayer.replay(row)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(r"(assess|report|_evaluate|replay|canonical|case_from_data|"
                                                r"legal/layer|native.py:\d+\(evaluate\)|explain|oh\.py)", 16)
    stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


def _mb(kb: int) -> float:
    return kb / 1024   # ru_maxrss and /proc's VmRSS are in kilobytes on Linux


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0   # the process has just ended
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


class PeakRss:
    """Samples the resident memory of this process and of its children (the workers) while running."""

    def __init__(self) -> None:
        self.main = self.workers = self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(SAMPLE_SECONDS):
            main, workers = _rss_kb(me), [_rss_kb(c) for c in _children(me)]
            self.main, self.workers = max(self.main, main), max([self.workers, *workers])
            self.total = max(self.total, main + sum(workers))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--db", type=Path, help="the SQLite file (default: in the temp folder, by case count)")
    p.add_argument("--reuse", action="store_true", help="keep an existing database with enough evaluations")
    p.add_argument("--profile", action="store_true", help="profile a single-process replay of a sample")
    args = p.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / "fairchance-bench" / f"replay-{args.cases}.db"
    rules = load_rules()
    print(f"replay benchmark: {args.cases:,} cases, {args.workers} workers, {os.cpu_count()} cores, db {db}")
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_store(f"sqlite:///{db}")
    have = _stored_count(store)
    if have < args.cases:
        stored, seconds = fill(store, rules, args.cases - have, args.workers)
        print(f"stored {stored:,} evaluations in {seconds:.0f} s ({stored / seconds:.0f} a second, "
              f"evaluation in {args.workers} workers, writes through the store API)")
    total = _stored_count(store)
    print(f"database: {total:,} evaluations, {db.stat().st_size / 2**20:,.0f} MB")

    per_core = baseline_assess(rules, min(BASELINE_SAMPLE, total))
    rows, read_rate = baseline_read(store)
    print(f"baseline assess() alone: {per_core:,.0f} cases a second on one core "
          f"({1000 / per_core:.2f} ms a case); x{args.workers} = {per_core * args.workers:,.0f} a second at best")
    print(f"baseline reading the rows alone: {rows:,} rows at {read_rate:,.0f} a second")

    tracemalloc.start()
    with PeakRss() as rss:
        result = replay_module.replay(store, "at-decision", progress=True, workers=args.workers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = result.per_second
    print(f"replay at-decision: {len(result.rows):,} evaluations in {result.seconds:.1f} s = {rate:,.0f} cases a "
          f"second end to end; {result.counts()}")
    print(f"peak memory during replay: resident main {_mb(rss.main):.0f} MB, largest worker {_mb(rss.workers):.0f} "
          f"MB, all together {_mb(rss.total):.0f} MB (sampled every {SAMPLE_SECONDS} s); traced in the main "
          f"process {peak / 2**20:.0f} MB; ru_maxrss of the main process over the whole run "
          f"{_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss):.0f} MB")
    print(f"ratios: replay / assess-alone on {args.workers} cores = {rate / (per_core * args.workers):.2f}; "
          f"replay / reading alone = {rate / read_rate:.3f}")
    print(f"goal {GOAL:,} cases a second: {'met' if rate >= GOAL else 'NOT met'} ({rate / GOAL:.0%} of it)")
    if args.profile:
        print(profile(store, min(PROFILE_SAMPLE, total)))
    store.close()


if __name__ == "__main__":
    main()
