"""Read YAML or JSON keeping the line of every field, and refusing duplicate keys."""

from __future__ import annotations

import json
from typing import Any

import yaml

from engine.files.problems import InputError, Path, Problem

Position = tuple[int, int]
# libyaml's loader when PyYAML has it (the wheels do): the same documents, parsed about ten times faster,
# which is most of loading the rules (a replay worker loads them once per rules version).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


def _walk(node: yaml.Node, path: Path, marks: dict[Path, Position], dupes: list[tuple[Path, int]]) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk(value_node, path + (key,), marks, dupes)
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), marks, dupes)


def parse(text: str, file: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML (JSON is a subset) into plain data plus a map from field path to line."""
    data, marks = parse_positions(text, file)
    return data, {path: line for path, (line, _) in marks.items()}


def parse_positions(text: str, file: str) -> tuple[Any, dict[Path, Position]]:
    """Parse YAML into plain data plus a map from field path to (line, column)."""
    try:
        node = yaml.compose(text, Loader=LOADER)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise_problem(file, (), f"not valid YAML or JSON: {getattr(exc, 'problem', exc)}", line)
    marks: dict[Path, Position] = {}
    dupes: list[tuple[Path, int]] = []
    if node is not None:
        _walk(node, (), marks, dupes)
    if dupes:
        raise InputError([Problem(file, p, "duplicate key (the first value would be lost)", ln) for p, ln in dupes])
    return data, marks


def parse_json(text: str, file: str) -> tuple[Any, dict[Path, int]]:
    """JSON is read as YAML so that lines are known, after checking it is strict JSON."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise_problem(file, (), f"not valid JSON: {exc.msg}", exc.lineno)
    return parse(text, file)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the deepest known prefix of the path."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def raise_problem(file: str, path: Path, message: str, line: int | None = None) -> None:
    raise InputError([Problem(file, path, message, line)])
