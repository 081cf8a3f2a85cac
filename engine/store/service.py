"""The two steps the app and CLI take with a case: submit it (validated), then evaluate it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from engine.case.loader import case_from_data
from engine.report.assess import assess
from engine.report.rulebase import Rules
from engine.rules.directory import rules_version
from engine.store.api import Store
from engine.store.records import CaseVersion, Evaluation, StoreError
from engine.store.rules_snapshot import materialise, snapshot_files


def submit_case(store: Store, rules: Rules, data: dict[str, Any], actor: str, reason: str,
                file: str = "<upload>") -> CaseVersion:
    """Validate (InputError with every problem) and store a new version of the case, as given."""
    case_from_data(data, {}, file, rules.tables)
    return store.add_case_version(data, actor, reason)


def keep_rules(store: Store, rules: Rules, actor: str, rules_dir: Path | None = None) -> None:
    """Save the snapshot of `rules` once; refuse files that are not the rules that were loaded."""
    if store.rules_snapshot(rules.version) is not None:
        return
    files = snapshot_files(rules_dir)
    with tempfile.TemporaryDirectory() as tmp:
        found = rules_version(materialise(files, Path(tmp)))
    if found != rules.version:
        raise StoreError(f"rules: the files in {rules_dir or 'rules/'} are version {found}, but the rules "
                         f"loaded are {rules.version}; pass the directory they were loaded from")
    store.save_rules_snapshot(rules.version, files, actor)


def evaluate_case(store: Store, rules: Rules, case_id: str, actor: str, version: int | None = None,
                  engine: str = "native", rules_dir: Path | None = None) -> Evaluation:
    """Assess a stored version as at its own assessed_on, keeping the rules it ran under."""
    stored = store.case_version(case_id, version)
    if stored.data is None:
        raise StoreError(f"case_id: the data of {case_id} version {stored.version} was removed under retention")
    case = case_from_data(stored.data, {}, f"{case_id} version {stored.version}", rules.tables)
    report = assess(case, rules, case.assessed_on or store.now().date(), engine)
    keep_rules(store, rules, actor, rules_dir)
    return store.record_evaluation(case_id, stored.version, report, engine, actor)
