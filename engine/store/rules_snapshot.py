"""Rules snapshots: the rule files as text, so that a past decision can be replayed under its own rules."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from engine.files.yaml_lines import load_yaml
from engine.report.rulebase import Rules, load_rules
from engine.rules.directory import default_rules_dir
from engine.store.records import StoreError

# The rules version covers exactly these files (engine.legal.tables.rules_version).
PATTERN = "*.yaml"


def snapshot_files(rules_dir: Path | None = None) -> dict[str, str]:
    """Every rule file under rules_dir, by path relative to it (POSIX spelling)."""
    root = rules_dir or default_rules_dir()
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob(PATTERN))}


def materialise(files: dict[str, str], into: Path) -> Path:
    """Write a snapshot out as a rules directory; `load_rules(into)` then gives the snapshot's version."""
    for rel, text in files.items():
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts:
            raise StoreError(f"files: {rel!r} is not a path inside the rules directory")
        target = into.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return into


def fact_values(files: dict[str, str], fact: str) -> tuple[str, ...] | None:
    """The words a rule set declares its produced fact may take (the outcome vocabulary), if declared."""
    for rel, text in sorted(files.items()):
        if not rel.endswith(".rules.yaml"):
            continue
        produced = (load_yaml(text) or {}).get("produces") or {}
        if isinstance(produced.get(fact), dict) and produced[fact].get("values"):
            return tuple(str(v) for v in produced[fact]["values"])
    return None


_loaded: dict[str, Rules] = {}   # by version: loading a rules version costs a few tenths of a second


def load_snapshot(version: str, files: dict[str, str]) -> Rules:
    """The rules a snapshot of `version` holds, loaded once per process (InputError if they do not load;
    a snapshot that loads as another version is returned as it loads, for the caller to refuse)."""
    if version not in _loaded:
        with tempfile.TemporaryDirectory(prefix="fairchance-rules-") as tmp:
            _loaded[version] = load_rules(materialise(files, Path(tmp)))
    return _loaded[version]
