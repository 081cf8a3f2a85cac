"""Replay stored evaluations: reproduce each one under the rules then in force, or under today's rules.

at-decision: the rules are rebuilt from the stored snapshot of the evaluation's rules version, the
stored case version is reloaded and assessed as at the stored date with the stored evaluator, and the
result must equal the stored report exactly (canonical JSON); any difference is a defect, with the
JSON paths that differ. current: the same with today's rules, showing what a rule change would have
changed (the rules version itself is left out of the comparison, since it always differs).

Rows read straight from the tables (one query per batch, no ORM objects), compared as canonical
text first so that a reproduced report costs one string comparison; the paths are worked out only
for reports that differ. With workers > 1 each process reads its own id ranges from the database.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from sqlalchemy import Engine, select
from tqdm import tqdm

from engine import __version__
from engine.case.loader import case_from_data
from engine.files.problems import InputError, path_text
from engine.report.assess import assess
from engine.report.rulebase import Rules, load_rules
from engine.rules.durable_eval import DurableUnavailable
from engine.rules.native import EvaluationError
from engine.store.chain import canonical, spells_as
from engine.store.db import make_engine
from engine.store.rules_snapshot import load_snapshot
from engine.store.schema import CasePayloadRow, EvaluationRow, ReportPayloadRow, RulesSnapshotRow

if TYPE_CHECKING:
    import pandas as pd

Mode = Literal["at-decision", "current"]
MODES: tuple[Mode, ...] = ("at-decision", "current")
# Statuses: at-decision gives reproduced | defect | skipped; current gives unchanged | changed | skipped | error.
SAME = {"at-decision": "reproduced", "current": "unchanged"}
DIFFERENT = {"at-decision": "defect", "current": "changed"}
MAX_PATHS = 50        # paths kept per row; the count of all of them is kept too
CHUNK = 250           # evaluations a worker reads and replays at a time


class _Row(NamedTuple):
    evaluation_id: int
    case_id: str
    version: int
    as_at: date
    rules_version: str
    evaluator: str
    engine_version: str
    outcome: str
    case_text: str | None
    report_text: str | None


@dataclass(frozen=True)
class ReplayRow:
    evaluation_id: int
    case_id: str
    version: int
    as_at: date
    evaluator: str
    rules_then: str
    rules_now: str | None
    status: str
    outcome_then: str
    outcome_now: str | None
    differences: int
    paths: tuple[str, ...]
    message: str | None


@dataclass(frozen=True)
class ReplayResult:
    mode: Mode
    since: date | None
    rows: tuple[ReplayRow, ...]
    seconds: float
    workers: int

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.status for r in self.rows))

    @property
    def defects(self) -> tuple[ReplayRow, ...]:
        """at-decision rows that were not reproduced exactly (none in current mode)."""
        return tuple(r for r in self.rows if r.status == "defect")

    @property
    def changed(self) -> tuple[ReplayRow, ...]:
        return tuple(r for r in self.rows if r.status == "changed")

    @property
    def skipped(self) -> tuple[ReplayRow, ...]:
        return tuple(r for r in self.rows if r.status == "skipped")

    @property
    def per_second(self) -> float:
        return len(self.rows) / self.seconds if self.seconds else 0.0

    def frame(self) -> pd.DataFrame:
        """One row per evaluation; `paths` joined with '; ' so that the table stays flat."""
        import pandas as pd  # here, not at the top: replay workers never need it, and it is slow to import

        columns = [f.name for f in fields(ReplayRow)]
        frame = pd.DataFrame([tuple(getattr(r, c) for c in columns) for r in self.rows], columns=columns)
        frame["paths"] = frame["paths"].map("; ".join)
        frame["as_at"] = pd.to_datetime(frame["as_at"])
        frame["outcome_changed"] = frame["outcome_now"].notna() & (frame["outcome_now"] != frame["outcome_then"])
        return frame


def write_diff(result: ReplayResult, stem: Path) -> tuple[Path, Path]:
    """The diff table as STEM.csv and STEM.parquet (folders made as needed)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    frame = result.frame()
    csv, parquet = stem.with_name(stem.name + ".csv"), stem.with_name(stem.name + ".parquet")
    frame.to_csv(csv, index=False)
    frame.to_parquet(parquet, index=False)
    return csv, parquet


def json_paths(then: Any, now: Any, path: tuple[str | int, ...] = ()) -> Iterator[str]:
    """The paths at which two JSON values differ; a list whose length changed is one path."""
    if isinstance(then, dict) and isinstance(now, dict):
        for key in sorted(set(then) | set(now)):
            if key not in then or key not in now:
                yield path_text((*path, key))
            else:
                yield from json_paths(then[key], now[key], (*path, key))
    elif isinstance(then, list) and isinstance(now, list) and len(then) == len(now):
        for index, (a, b) in enumerate(zip(then, now, strict=True)):
            yield from json_paths(a, b, (*path, index))
    elif type(then) is not type(now) or then != now:
        yield path_text(path)


class _Replayer:
    """Replays rows in one process, with the rules of each version loaded once."""

    def __init__(self, mode: Mode, snapshot: Callable[[str], dict[str, str] | None],
                 current_rules: Path | None) -> None:
        self.mode = mode
        self._snapshot = snapshot
        self._rules: dict[str, Rules | str] = {}
        self._current = load_rules(current_rules) if mode == "current" else None

    def rules_for(self, version: str) -> Rules | str:
        """The rules of a stored version, or why they cannot be rebuilt."""
        if self._current is not None:
            return self._current
        if version not in self._rules:
            self._rules[version] = self._rebuild(version)
        return self._rules[version]

    def _rebuild(self, version: str) -> Rules | str:
        files = self._snapshot(version)
        if files is None:
            return f"no rules snapshot stored for {version}"
        try:
            rules = load_snapshot(version, files)
        except InputError as exc:
            return f"the stored rules snapshot {version} does not load: {exc.problems[0]}"
        if rules.version != version:
            return f"the stored rules snapshot {version} gives version {rules.version}"
        return rules

    def replay(self, row: _Row) -> ReplayRow:
        base = {"evaluation_id": row.evaluation_id, "case_id": row.case_id, "version": row.version,
                "as_at": row.as_at, "evaluator": row.evaluator, "rules_then": row.rules_version,
                "outcome_then": row.outcome}
        if row.case_text is None or row.report_text is None:
            removed = "case" if row.case_text is None else "report"
            return ReplayRow(**base, rules_now=None, status="skipped", outcome_now=None, differences=0, paths=(),
                             message=f"the {removed} payload was removed by retention")
        rules = self.rules_for(row.rules_version)
        if isinstance(rules, str):
            return self._failed(base, None, rules)
        try:
            report = self._assess(row, rules)
        except (InputError, EvaluationError, DurableUnavailable) as exc:
            return self._failed(base, rules.version, f"cannot re-evaluate: {str(exc).splitlines()[0]}")
        return self._compare(base, rules.version, row, report)

    def _failed(self, base: dict[str, Any], rules_now: str | None, message: str) -> ReplayRow:
        status = "defect" if self.mode == "at-decision" else "error"
        return ReplayRow(**base, rules_now=rules_now, status=status, outcome_now=None, differences=0, paths=(),
                         message=message)

    @staticmethod
    def _assess(row: _Row, rules: Rules) -> dict[str, Any]:
        case = case_from_data(json.loads(row.case_text), {}, f"<store {row.case_id} v{row.version}>", rules.tables,
                              row.as_at)
        return assess(case, rules, row.as_at, row.evaluator)

    def _compare(self, base: dict[str, Any], rules_now: str, row: _Row, report: dict[str, Any]) -> ReplayRow:
        if self.mode == "current":   # the version always differs: compare the rest
            report = {**report, "rules_version": base["rules_then"]}
        outcome_now = report.get("outcome")
        stored_text = row.report_text
        if spells_as(report, stored_text):
            return ReplayRow(**base, rules_now=rules_now, status=SAME[self.mode], outcome_now=outcome_now,
                             differences=0, paths=(), message=None)
        now_text = canonical(report)
        paths = list(json_paths(json.loads(stored_text), json.loads(now_text)))
        message = None
        if not paths:   # same value, different spelling: the stored text is not canonical
            paths, message = ["(text)"], "the stored report is not in canonical form"
        elif row.engine_version != __version__:
            message = f"evaluated by engine {row.engine_version}, replayed by {__version__}"
        return ReplayRow(**base, rules_now=rules_now, status=DIFFERENT[self.mode], outcome_now=outcome_now,
                         differences=len(paths), paths=tuple(paths[:MAX_PATHS]), message=message)


def _since(query, since: date | None):
    """Evaluations recorded on or after `since` (UTC), as Store.iter_evaluations reads it."""
    return query.where(EvaluationRow.created_at >= datetime.combine(since, time.min, UTC)) if since else query


def _query(since: date | None):
    e = EvaluationRow
    query = (select(e.id, e.case_id, e.version, e.as_at, e.rules_version, e.evaluator, e.engine_version, e.outcome,
                    CasePayloadRow.data, ReportPayloadRow.report)
             .outerjoin(CasePayloadRow, CasePayloadRow.case_version_id == e.case_version_id)
             .outerjoin(ReportPayloadRow, ReportPayloadRow.evaluation_id == e.id)
             .order_by(e.id))
    return _since(query, since)


def _rows(engine: Engine, since: date | None, lo: int | None = None, hi: int | None = None) -> Iterator[_Row]:
    query = _query(since)
    if lo is not None:
        query = query.where(EvaluationRow.id >= lo, EvaluationRow.id <= hi)
    with engine.connect() as conn:
        for r in conn.execution_options(stream_results=True, yield_per=CHUNK).execute(query):
            yield _Row(*r)


def _snapshot_reader(engine: Engine) -> Callable[[str], dict[str, str] | None]:
    def read(version: str) -> dict[str, str] | None:
        with engine.connect() as conn:
            text = conn.execute(select(RulesSnapshotRow.files).where(RulesSnapshotRow.version == version)).scalar()
        return None if text is None else json.loads(text)
    return read


def _ranges(engine: Engine, since: date | None) -> list[tuple[int, int, int]]:
    """The evaluation ids to replay, in (first id, last id, count) chunks."""
    query = _since(select(EvaluationRow.id).order_by(EvaluationRow.id), since)
    with engine.connect() as conn:
        ids = conn.execute(query).scalars().all()
    return [(ids[i], ids[min(i + CHUNK, len(ids)) - 1], min(CHUNK, len(ids) - i)) for i in range(0, len(ids), CHUNK)]


# The worker processes' state: set once by _init, then used by _work for each chunk.
_worker: dict[str, Any] = {}


def _init(url: str, mode: Mode, since: date | None, current_rules: Path | None) -> None:
    engine = make_engine(url)
    _worker.update(engine=engine, since=since, replayer=_Replayer(mode, _snapshot_reader(engine), current_rules))


def _work(chunk: tuple[int, int, int]) -> list[ReplayRow]:
    lo, hi, _ = chunk
    return [_worker["replayer"].replay(row) for row in _rows(_worker["engine"], _worker["since"], lo, hi)]


def replay(store: Any, mode: Mode = "at-decision", since: date | None = None, current_rules: Path | None = None,
           progress: bool = False, workers: int = 1) -> ReplayResult:
    """Replay every stored evaluation (as at `since` or later); `current_rules` is a rules directory."""
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, found {mode!r}")
    with store.reading() as session:   # the store's engine, through its public reading session
        engine: Engine = session.get_bind()
    started = perf_counter()
    chunks = _ranges(engine, since)
    bar = tqdm(total=sum(c[2] for c in chunks), unit="case", file=sys.stderr, disable=not progress,
               desc=f"replay {mode}")
    rows: list[ReplayRow] = []
    if workers <= 1 or engine.url.database in (None, "", ":memory:"):
        replayer = _Replayer(mode, _snapshot_reader(engine), current_rules)
        for row in _rows(engine, since):
            rows.append(replayer.replay(row))
            bar.update()
        workers = 1
    else:
        url = engine.url.render_as_string(hide_password=False)
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, _init, (url, mode, since, current_rules)) as pool:
            for done in pool.imap_unordered(_work, chunks):
                rows += done
                bar.update(len(done))
    bar.close()
    rows.sort(key=lambda r: r.evaluation_id)
    return ReplayResult(mode, since, tuple(rows), perf_counter() - started, workers)
