"""Read a case file (YAML or JSON), validate it, and report every problem with file, field and line."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from engine.case.checks import check_case, check_sizes
from engine.case.model import Case
from engine.case.vocabulary import Vocabulary
from engine.files.limits import input_limits
from engine.files.problems import InputError, Path, Problem
from engine.files.validation import build
from engine.files.yaml_lines import line_of, parse, parse_json, read_text


def read_document(path: FsPath) -> tuple[Any, dict[Path, int]]:
    """A case file's data and lines, within the limits of rules/policy/input-limits.yaml."""
    structure = input_limits().case_structure()
    text = read_text(path, structure.max_bytes)
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path), structure)
    return parse(text, str(path), structure)


def case_from_data(data: Any, lines: dict[Path, int], file: str, tables: Vocabulary,
                   on: date | None = None) -> Case:
    """Validate parsed data as a case; `on` (the as-at date) is checked against record dates."""
    if not isinstance(data, dict):
        raise InputError([Problem(file, (), "a case file must be a mapping of fields (format: case/1, ...)")])
    if data.get("format") not in (None, "case/1"):
        raise InputError([Problem(file, ("format",), f"unsupported format {data.get('format')!r}; expected case/1",
                                  line_of(lines, ("format",)))])
    problems = [Problem(file, p, msg, line_of(lines, p)) for p, msg in check_sizes(data, input_limits())]
    if problems:
        raise InputError(problems)
    case, problems = build(Case, data, file, lines)
    if case is None:
        case = _without_unknown_fields(data, problems)
    if case is not None:
        as_at = on or case.assessed_on
        found = check_case(case, tables, as_at, input_limits())
        problems += [Problem(file, p, msg, line_of(lines, p)) for p, msg in found]
    if problems or case is None:
        raise InputError(problems or [Problem(file, (), "not a valid case/1 file")])
    return case


def _without_unknown_fields(data: dict, problems: list[Problem]) -> Case | None:
    """The case with its unknown fields set aside, so that they do not hide the other problems.

    Only unknown fields are set aside: they carry nothing the engine reads. Any other structural
    problem stops here, since checking a half-read case would report guesses.
    """
    unknown = [p.path for p in problems if p.message.startswith("unknown field")]
    if len(unknown) != len(problems):
        return None
    try:
        pruned = copy.deepcopy(data)
    except RecursionError:
        return None
    for path in unknown:
        parent = pruned
        for part in path[:-1]:
            parent = parent[part]
        parent.pop(path[-1], None)
    try:
        return Case.model_validate(pruned)
    except ValidationError:
        return None


def load_case(path: FsPath, tables: Vocabulary, on: date | None = None) -> Case:
    data, lines = read_document(path)
    return case_from_data(data, lines, str(path), tables, on)
