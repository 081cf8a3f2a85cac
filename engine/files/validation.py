"""Turn pydantic validation errors into Problems that name file, field, line and expectation."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.files.problems import Path, Problem
from engine.files.yaml_lines import line_of

M = TypeVar("M", bound=BaseModel)


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; unknown fields are not allowed)"
    if kind == "missing":
        return "required field is missing"
    shown = repr(found) if not isinstance(found, (dict, list)) else type(found).__name__
    return f"{err['msg']} (found {shown})"


_MEMBERS = {"str", "int", "bool", "date", "literal['none','until_further_order']",
            "literal['none', 'until_further_order']", "LengthSpec"}


def _clean(loc: tuple[Any, ...]) -> Path:
    # pydantic adds the names of union members and tagged choices to the location, after the field's name; drop
    # them. A union member's name never follows a list index, so a record's own field `date` is kept.
    return tuple(p for i, p in enumerate(loc) if isinstance(p, int) or not (
        p.startswith(("function-", "literal[")) or (p in _MEMBERS and i and isinstance(loc[i - 1], str))))


def _union_noise(err: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    """For a value that may be a mapping or a word (a sentence length), keep only the branch that fits."""
    if err["type"] == "literal_error" and isinstance(err.get("input"), dict):
        # Noise only when the mapping branch reported its own problem here; else it is the only problem.
        path = _clean(err["loc"])
        return any(e is not err and _clean(e["loc"])[:len(path)] == path for e in errors)
    if err["type"] == "model_type":
        path = _clean(err["loc"])
        return any(e is not err and _clean(e["loc"]) == path for e in errors)
    return False


def problems_from(exc: ValidationError, file: str, lines: dict[Path, int], prefix: Path = ()) -> list[Problem]:
    out = []
    errors = exc.errors()
    for err in errors:
        if _union_noise(err, errors):
            continue
        path = prefix + _clean(err["loc"])
        out.append(Problem(file, path, _message(err), line_of(lines, path)))
    return out


def build(model: type[M], data: Any, file: str, lines: dict[Path, int]) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, problems_from(exc, file, lines)
