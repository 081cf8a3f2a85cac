"""Files of words under rules/ for the values rule sets produce, loaded and checked for coverage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel

from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import parse_rule_file
from engine.rules.book import RuleBook
from engine.rules.directory import default_rules_dir

M = TypeVar("M", bound=BaseModel)


def load_words_file(model: type[M], rel: str, book: RuleBook, words: Callable[[M], dict[str, Any]],
                    missing: str, rules_dir: FsPath | None = None) -> M:
    """Load a file of words under rules/ and check that every value the rule sets can produce has words.

    `words` maps a produced fact's name to the entries that give its values words.
    """
    path = (rules_dir or default_rules_dir()) / rel
    data, lines = parse_rule_file(path)
    loaded, problems = build(model, data, str(path), lines)
    if loaded is not None:
        problems = _uncovered(words(loaded), book, str(path), missing)
    if problems:
        raise InputError(problems)
    return loaded


def _uncovered(words: dict[str, Any], book: RuleBook, file: str, missing: str) -> list[Problem]:
    out = []
    for cset in book.stage("assessment"):
        for name, produced in cset.produces.items():
            if produced.values and name in words:
                absent = sorted(set(produced.values) - set(words[name]))
                if absent:
                    out.append(Problem(file, (name,), f"{missing} {', '.join(absent)} (produced by {cset.name})"))
    return out
