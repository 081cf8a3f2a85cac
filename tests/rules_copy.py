"""Helpers for tests that change a copy of the rules directory."""

import shutil
from pathlib import Path

import pytest

from engine.rules.directory import default_rules_dir


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must occur exactly once, so that an edit can never silently miss."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path)
