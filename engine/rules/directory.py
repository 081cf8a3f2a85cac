"""The rules directory: where the project's rule files are, and the version of a directory of them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path as FsPath

from engine.files.yaml_lines import default_structure, parse, read_text


def default_rules_dir() -> FsPath:
    return FsPath(__file__).resolve().parents[2] / "rules"


def rules_version(rules_dir: FsPath) -> str:
    """A content hash of every rule file, normalised (parsed, then canonical JSON).

    A file that cannot be read raises InputError naming it (and the line), like every other reader."""
    digest = hashlib.sha256()
    structure = default_structure(rules=True)
    for path in sorted(rules_dir.rglob("*.yaml")):
        data, _ = parse(read_text(path, structure.max_bytes), str(path), structure)
        canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
        digest.update(path.relative_to(rules_dir).as_posix().encode() + b"\0" + canonical.encode() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]
