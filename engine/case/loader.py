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


def case_problems(data: Any, lines: dict[Path, int], file: str, tables: Vocabulary,
                  on: date | None = None) -> list[Problem]:
    """Every problem at once, for a form: exactly the problems of case_from_data when the case reads, and when it
    does not, also the checks of every part that did read (a form should not reveal its problems in stages).

    The parts that did not read are left out of those checks, never guessed: a record with a structural problem
    is not checked further, and with no readable date of birth the checks that need an age are not made."""
    try:
        case_from_data(data, lines, file, tables, on)
    except InputError as exc:
        problems = exc.problems
    else:
        return []
    partial = _readable_part(data, problems)
    if partial is None:
        return problems
    case, kept = partial
    broken = [p.path for p in problems]
    for path, message in check_case(case, tables, on or case.assessed_on, input_limits()):
        where = _original_path(path, kept)
        if not any(where[:len(b)] == b or b[:len(where)] == where for b in broken):
            problems.append(Problem(file, where, message, line_of(lines, where)))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, str(p.path), p.message))


# Top-level fields a placeholder may stand in for while the rest is checked: no check reads them but the id
# checks, whose problems at these paths are dropped (the field already has its own problem).
_PLACEHOLDERS: dict[Path, Any] = {("case_id",): "?", ("applicant", "date_of_birth"): date(1900, 1, 1)}


def _readable_part(data: Any, problems: list[Problem]) -> tuple[Case, list[int]] | None:
    """The case without its unreadable records (and with placeholders for an empty id or date of birth), and
    the original index of each record kept; None when something else did not read."""
    if not isinstance(data, dict) or not isinstance(data.get("records", []), list):
        return None
    broken_records = {p.path[1] for p in problems if p.path[:1] == ("records",) and len(p.path) > 1}
    if any(p.path[:1] != ("records",) and p.path not in _PLACEHOLDERS for p in problems):
        return None
    kept = [i for i in range(len(data.get("records") or [])) if i not in broken_records]
    pruned = {**data, "records": [data["records"][i] for i in kept],
              "applicant": dict(data.get("applicant") or {})}
    for path, value in _PLACEHOLDERS.items():
        if any(p.path == path for p in problems):
            (pruned["applicant"] if path[0] == "applicant" else pruned)[path[-1]] = value
    try:
        case = Case.model_validate(pruned)
    except ValidationError:
        return None
    if any(p.path == ("applicant", "date_of_birth") for p in problems):     # no age is worked out from a guess
        case = case.model_copy(update={"applicant": case.applicant.model_copy(update={"date_of_birth": None})})
    return case, kept


def _original_path(path: Path, kept: list[int]) -> Path:
    if path[:1] == ("records",) and len(path) > 1 and isinstance(path[1], int):
        return ("records", kept[path[1]]) + path[2:]
    return path


def load_case(path: FsPath, tables: Vocabulary, on: date | None = None) -> Case:
    data, lines = read_document(path)
    return case_from_data(data, lines, str(path), tables, on)
