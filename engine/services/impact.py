"""The casebank impact of the working-tree rules against the last published rules version.

The last published version is the newest rules snapshot in the store (a snapshot is saved whenever
a case is evaluated, so it is the rules the panels last worked under). Every casebank case is
assessed under both and the differences are listed: the outcome, and each record's spent date,
protection and whether it may be considered.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.case.loader import case_from_data
from engine.files.problems import InputError
from engine.report.assess import assess
from engine.report.rulebase import Rules, load_rules
from engine.services.casebank import casebank_files, split_expect
from engine.store.rules_snapshot import materialise

RECORD_FIELDS = ("spent_on", "protected", "considered")
SNAPSHOT_ACTION = "rules.snapshot"


@dataclass(frozen=True)
class CaseImpact:
    file: str
    case_id: str
    title: str
    outcome_then: str | None        # None: the case is invalid under those rules
    outcome_now: str | None
    differences: tuple[str, ...]

    @property
    def outcome_changed(self) -> bool:
        return self.outcome_then != self.outcome_now


@dataclass(frozen=True)
class Impact:
    published: str | None           # None: nothing published yet (no snapshot in the store)
    working: str
    cases: int
    changed: tuple[CaseImpact, ...]

    @property
    def outcome_changes(self) -> tuple[CaseImpact, ...]:
        return tuple(c for c in self.changed if c.outcome_changed)


def _assessed(data: dict[str, Any], lines: dict, file: str, rules: Rules) -> tuple[dict[str, Any] | None, str]:
    try:
        case = case_from_data(data, lines, file, rules.tables)
    except InputError as exc:
        return None, f"invalid: {exc.problems[0]}"
    return assess(case, rules, case.assessed_on), ""


def _differences(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = []
    if then["outcome"] != now["outcome"]:
        out.append(f"outcome: {then['outcome']} -> {now['outcome']}")
    before = {r["id"]: r for r in then["records"]}
    for r in now["records"]:
        old = before.get(r["id"], {})
        out += [f"{r['id']}.{k}: {old.get(k)} -> {r[k]}" for k in RECORD_FIELDS if old.get(k) != r[k]]
    oh_then, oh_now = then["occupational_health"]["outcome"], now["occupational_health"]["outcome"]
    if oh_then != oh_now:
        out.append(f"occupational_health.outcome: {oh_then} -> {oh_now}")
    return out


def _case_impact(file: Path, old: Rules, new: Rules) -> CaseImpact | None:
    data, expect, lines = split_expect(file)
    then, why_then = _assessed(data, lines, str(file), old)
    now, why_now = _assessed(data, lines, str(file), new)
    if then is not None and now is not None:
        differences = _differences(then, now)
    else:
        differences = [w for w in (why_then and f"then {why_then}", why_now and f"now {why_now}") if w]
    if then is None and now is None and why_then == why_now:
        return None
    if not differences:
        return None
    return CaseImpact(str(file), str(data.get("case_id")), str(expect.get("title", file.stem)),
                      then["outcome"] if then else None, now["outcome"] if now else None, tuple(differences))


def compare_rules(old: Rules, new: Rules, casebank_dir: Path) -> Impact:
    files = casebank_files(casebank_dir)
    changed = [c for c in (_case_impact(f, old, new) for f in files) if c is not None]
    return Impact(old.version, new.version, len(files), tuple(changed))


def published_version(store: Any) -> str | None:
    """The version of the newest rules snapshot, read from the audit chain (snapshots are chained events)."""
    snapshots = [e.entity_id for e in store.audit_events() if e.action == SNAPSHOT_ACTION]
    return snapshots[-1] if snapshots else None


def impact_against_published(store: Any, rules: Rules, casebank_dir: Path) -> Impact:
    version = published_version(store)
    if version is None or version == rules.version:   # same content hash: the same rules
        return Impact(version, rules.version, len(casebank_files(casebank_dir)), ())
    files = store.rules_snapshot(version)
    with tempfile.TemporaryDirectory(prefix="fairchance-rules-") as tmp:
        published = load_rules(materialise(files, Path(tmp)))
        return compare_rules(published, rules, casebank_dir)
