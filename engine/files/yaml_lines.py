"""Read YAML or JSON keeping the line of every field, refusing duplicate keys, and never failing other than
with a located InputError: bad bytes, bad syntax, impossible values (2021-02-30, a 5,000-digit number), deep
nesting and alias bombs are all reported with the file and, where there is one, the line and field.

Hostile input is stopped before any data is built: one streaming pass over the parser's events checks the
size, the nesting depth, the number of nodes and the aliases (rules/policy/input-limits.yaml); only then is
the document composed and constructed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any, NoReturn

import yaml

from engine.files.problems import InputError, Path, Problem

Position = tuple[int, int]
# libyaml's loader when PyYAML has it (the wheels do): the same documents, parsed about ten times faster,
# which is most of loading the rules (a replay worker loads them once per rules version).
BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIMITS_FILE = FsPath(__file__).resolve().parents[2] / "rules" / "policy" / "input-limits.yaml"
STRUCTURE_KEYS = ("max_bytes", "max_depth", "max_nodes")


@dataclass(frozen=True)
class Structure:
    """What the reader enforces before it builds any data."""

    max_bytes: int
    max_depth: int
    max_nodes: int      # values in the document with every alias expanded


# Only for reading rules/policy/input-limits.yaml itself (a file of about thirty lines).
BOOTSTRAP = Structure(max_bytes=65_536, max_depth=8, max_nodes=2_000)


class _Loader(BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, with every value that cannot be built (an impossible date, an integer too long to
    convert) reported as a YAML error at the value's own position instead of a bare ValueError."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, OverflowError, TypeError, RecursionError) as exc:
            raise _ValueError(None, None, f"{_value_text(node)}: {exc}", node.start_mark) from None


class _ValueError(yaml.constructor.ConstructorError):
    """A value the syntax allows but that cannot be built (2021-02-30)."""


def _value_text(node: yaml.Node) -> str:
    value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
    shown = str(value)
    return f"cannot read the value {shown[:40]!r}{'...' if len(shown) > 40 else ''}"


def load_yaml(text: str, structure: Structure | None = None) -> Any:
    """Plain data from YAML, within the limits (rule files by default); InputError if it cannot be read."""
    data, _ = parse_positions(text, "<text>", structure or default_structure(rules=True))
    return data


@lru_cache(maxsize=1)
def _limit_values() -> dict[str, int]:
    text = read_text(LIMITS_FILE, BOOTSTRAP.max_bytes)
    data, lines = parse(text, str(LIMITS_FILE), BOOTSTRAP)
    limits = data.get("limits") if isinstance(data, dict) else None
    out = {}
    for key in STRUCTURE_KEYS + ("rule_file_max_bytes",):
        value = limits.get(key) if isinstance(limits, dict) else None
        if type(value) is not int or value <= 0:
            raise InputError([Problem(str(LIMITS_FILE), ("limits", key), "expected a whole number above 0",
                                      line_of(lines, ("limits", key)))])
        out[key] = value
    return out


def default_structure(rules: bool = False) -> Structure:
    """The structural limits of rules/policy/input-limits.yaml: for a case file, or for a rule file."""
    v = _limit_values()
    return Structure(v["rule_file_max_bytes"] if rules else v["max_bytes"], v["max_depth"], v["max_nodes"])


def read_text(path: FsPath, max_bytes: int) -> str:
    """A file's text: refused, with the file named, if unreadable, over the size limit or not UTF-8."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError([Problem(str(path), (), f"cannot read the file: {exc.strerror or exc}")]) from exc
    if len(raw) > max_bytes:
        raise InputError([Problem(str(path), (), f"the file is larger than the limit of {max_bytes:,} bytes "
                                  "(rules/policy/input-limits.yaml)")])
    return decode(raw, str(path))


def decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(file, (), f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be read "
                                  "(save the file as UTF-8)", line, column)]) from None


def _walk(node: yaml.Node, path: Path, marks: dict[Path, Position], dupes: list[tuple[Path, int]],
          spots: dict[Position, Path]) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    spots.setdefault(marks[path], path)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.tag)
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk(value_node, path + (key,), marks, dupes, spots)
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), marks, dupes, spots)


def parse(text: str, file: str, structure: Structure | None = None) -> tuple[Any, dict[Path, int]]:
    """Parse YAML (JSON is a subset) into plain data plus a map from field path to line.

    Without `structure`, the limits of a case file (no aliases): the strictest, for text from outside."""
    data, marks = parse_positions(text, file, structure)
    return data, {path: line for path, (line, _) in marks.items()}


def parse_positions(text: str, file: str, structure: Structure | None = None) -> tuple[Any, dict[Path, Position]]:
    """Parse YAML into plain data plus a map from field path to (line, column)."""
    structure = structure or default_structure()
    if len(text.encode("utf-8", errors="surrogatepass")) > structure.max_bytes:
        raise_problem(file, (), f"the text is larger than the limit of {structure.max_bytes:,} bytes "
                      "(rules/policy/input-limits.yaml)")
    marks: dict[Path, Position] = {}
    spots: dict[Position, Path] = {}      # where each value starts: to name the field of a bad value
    loader = _Loader(text)
    try:
        _check_events(text, file, structure)
        node = loader.get_single_node()
        if node is not None:
            dupes: list[tuple[Path, int]] = []
            _walk(node, (), marks, dupes, spots)
            if dupes:
                raise InputError([Problem(file, p, "duplicate key (the first value would be lost)", ln)
                                  for p, ln in dupes])
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        _located_yaml_error(exc, text, file, spots)
    except RecursionError:
        raise_problem(file, (), "nested too deeply to read")
    finally:
        loader.dispose()
    return data, marks


def _check_events(text: str, file: str, structure: Structure) -> None:
    """One streaming pass, before anything is built: the nesting depth, and the number of values the
    document stands for once every alias is expanded. An alias repeats an anchored part; a chain of them
    can stand for billions of values (an alias bomb), and one inside its own anchor for an endless one."""
    depth = nodes = 0
    open_frames: list[list] = []          # [anchor or None, values inside] of each open mapping or list
    sizes: dict[str, int] = {}            # anchor -> the values it stands for
    for event in yaml.parse(text, Loader=BASE_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            anchor, size = open_frames.pop()
            if anchor is not None:
                sizes[anchor] = size
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        if isinstance(event, yaml.AliasEvent):
            if any(frame[0] == event.anchor for frame in open_frames):
                raise_problem(file, (), f"the alias *{event.anchor} is inside its own anchor (an endless value)",
                              line)
            added = sizes.get(event.anchor, 1)
        else:
            added = 1
        nodes += added
        if nodes > structure.max_nodes:
            raise_problem(file, (), f"more than {structure.max_nodes:,} values in one file, aliases expanded "
                          "(rules/policy/input-limits.yaml)", line)
        for frame in open_frames:
            frame[1] += added
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > structure.max_depth:
                raise_problem(file, (), f"nested more than {structure.max_depth} levels deep "
                              "(rules/policy/input-limits.yaml)", line)
            open_frames.append([event.anchor, 0])
        elif event.anchor is not None and not isinstance(event, yaml.AliasEvent):
            sizes[event.anchor] = 1


def _located_yaml_error(exc: yaml.YAMLError, text: str, file: str, spots: dict[Position, Path]) -> NoReturn:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = column = None
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(getattr(exc, "position", None), int):     # a reader error: a character YAML refuses
        line = text.count("\n", 0, exc.position) + 1
    path = spots.get((line, column), ()) if line is not None else ()
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    message = problem if isinstance(exc, _ValueError) else f"not valid YAML or JSON: {problem}"
    raise InputError([Problem(file, path, message, line, column)])


def parse_json(text: str, file: str, structure: Structure | None = None) -> tuple[Any, dict[Path, int]]:
    """JSON is read as YAML so that lines are known, after checking it is strict JSON."""
    structure = structure or default_structure()
    # The limits first: json.loads itself recurses on nesting and converts any length of digits.
    try:
        _check_events(text, file, structure)
    except yaml.YAMLError as exc:
        _located_yaml_error(exc, text, file, {})
    try:
        # Numbers are not converted here (the YAML pass converts them, and names the line of a bad one).
        json.loads(text, parse_int=len, parse_float=len)
    except json.JSONDecodeError as exc:
        raise_problem(file, (), f"not valid JSON: {exc.msg}", exc.lineno)
    except (ValueError, RecursionError) as exc:
        raise_problem(file, (), f"not valid JSON: {exc}")
    return parse(text, file, structure)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the deepest known prefix of the path."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def raise_problem(file: str, path: Path, message: str, line: int | None = None) -> NoReturn:
    raise InputError([Problem(file, path, message, line)])


def parse_rule_file(path: FsPath) -> tuple[Any, dict[Path, int]]:
    """A rule file (up to the rule-file size limit), with lines; InputError naming the file otherwise."""
    data, marks = parse_rule_file_positions(path)
    return data, {p: line for p, (line, _) in marks.items()}


def parse_rule_file_positions(path: FsPath) -> tuple[Any, dict[Path, Position]]:
    structure = default_structure(rules=True)
    return parse_positions(read_text(path, structure.max_bytes), str(path), structure)
