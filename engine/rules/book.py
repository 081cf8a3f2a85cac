"""Load every rule-set file, check it against the fact catalogue it is given, compile it, and order the sets.

Problems name the file, line and column, the rule id and what was expected; a misspelt fact
says which names are close. All problems are reported together.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path as FsPath
from typing import Any

from engine.files.problems import InputError, Path, Problem
from engine.files.validation import problems_from
from engine.files.yaml_lines import Position, parse_rule_file_positions
from engine.rules.catalogue import Catalogue
from engine.rules.conditions import Check, ConditionError, compile_match, compile_when, facts_read
from engine.rules.directory import default_rules_dir, rules_version
from engine.rules.model import Example, InForce, Produced, Rule, RuleSetFile
from engine.rules.plain import plain

RULE_FILE_GLOB = "*.rules.yaml"


@dataclass(frozen=True)
class CompiledRule:
    id: str
    title: str
    checks: tuple[Check, ...]
    then: dict[str, Any]
    finding: str | None
    source: tuple[str, ...]
    in_force: InForce
    examples: tuple[Example, ...]
    where: str                      # file:line of the rule, for messages
    holds: Callable[[dict, list | None], bool] = field(compare=False, repr=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holds", compile_match(self.checks))
        object.__setattr__(self, "plain_then", plain(self.then))   # the trace shows it whenever the rule matches


@dataclass(frozen=True)
class CompiledSet:
    name: str
    title: str
    file: str
    scope: str
    stage: str
    policy: str                     # unique | first | collect | rules (every matching rule fires)
    applies_to: tuple[Check, ...]
    needs: tuple[str, ...]
    produces: dict[str, Produced]
    inputs: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    # The days on which the rules in force change; between two of them the rules in force are the same,
    # so they are worked out once per period (by its index), not once per date.
    changes: tuple[date, ...] = field(init=False, compare=False, repr=False)
    by_period: dict = field(default_factory=dict, compare=False, repr=False)
    # The facts the rules read (for quantifiers, the record facts read over the records), by which the
    # native evaluator keeps results in `memo`.
    reads: tuple[str, ...] = field(init=False, compare=False, repr=False)
    record_reads: tuple[str, ...] = field(init=False, compare=False, repr=False)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        days = {r.in_force.from_ for r in self.rules}
        days |= {r.in_force.to + timedelta(days=1) for r in self.rules if r.in_force.to is not None}
        object.__setattr__(self, "changes", tuple(sorted(days)))
        checks = [c for r in self.rules for c in r.checks]
        object.__setattr__(self, "reads", tuple(sorted({c.fact for c in checks if c.quantifier is None})))
        object.__setattr__(self, "record_reads", tuple(sorted(facts_read(tuple(c for c in checks if c.quantifier)))))


@dataclass(frozen=True)
class RuleBook:
    version: str
    sets: tuple[CompiledSet, ...]   # in dependency order
    catalogue: Catalogue = field(compare=False, repr=False)   # the facts the rules read, as given to the loader
    staged: dict = field(default_factory=dict, compare=False, repr=False)   # stage() by its arguments

    def get(self, name: str) -> CompiledSet:
        return next(s for s in self.sets if s.name == name)

    def forget_kept(self) -> None:
        """Drop the results the native evaluator keeps per rule set, to evaluate afresh."""
        for cset in self.sets:
            cset.memo.clear()

    def stage(self, stage: str, wanted: frozenset[str] | None = None) -> tuple[CompiledSet, ...]:
        """The stage's sets in dependency order; given `wanted`, only the sets those facts depend on
        (the loader refuses a rule that reads a fact its set does not list under needs)."""
        key = (stage, wanted)
        if key not in self.staged:
            sets = [s for s in self.sets if s.stage == stage]
            if wanted is not None:
                sets = _depended_on(sets, wanted)
            self.staged[key] = tuple(sets)
        return self.staged[key]

    def needs_of(self, stage: str, wanted: frozenset[str]) -> frozenset[str]:
        """Every fact the sets that `wanted` depends on read."""
        return frozenset(n for s in self.stage(stage, wanted) for n in s.needs)

    def fact_type(self, name: str) -> str | None:
        if name in self.catalogue:
            return self.catalogue[name].type
        return next((s.produces[name].type for s in self.sets if name in s.produces), None)


def _depended_on(sets: list[CompiledSet], wanted: frozenset[str]) -> list[CompiledSet]:
    need, keep = set(wanted), []
    for cset in reversed(sets):
        if need & cset.produces.keys():
            keep.append(cset)
            need |= set(cset.needs)
    return keep[::-1]


class _Reader:
    """Collects the problems of one file with their positions."""

    def __init__(self, file: str, marks: dict[Path, Position]):
        self.file, self.marks, self.problems = file, marks, []

    def add(self, path: Path, message: str, rule: str | None = None) -> None:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.marks:
                line, column = self.marks[path[:cut]]
                break
        else:
            line = column = None
        self.problems.append(Problem(self.file, path, message, line, column, rule))

    def where(self, path: Path) -> str:
        line = self.marks.get(path, (0, 0))[0]
        return f"{self.file}:{line}"


def _rule_path(rs: RuleSetFile, index: int) -> Path:
    return ("table", "rows", index) if rs.table else ("rules", index)


def _close(name: str, known: set[str]) -> str:
    near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""


def _check_names(rs: RuleSetFile, index: int, rule: Rule, checks: tuple[Check, ...], known: dict[str, str],
                 reader: _Reader) -> None:
    path = _rule_path(rs, index) + ("when",)
    record_names = {n for n, scope in known.items() if scope == "record"}
    for check in checks:
        names = facts_read(check.over) if check.quantifier else {check.fact}
        allowed = record_names | set(known) if (rs.scope == "record" or check.quantifier) else \
            {n for n, s in known.items() if s == "case"}
        inner = path + (check.fact,) + (("where",) if check.quantifier == "count_records" else ())
        for name in sorted(names):
            at = inner + (name,) if check.quantifier else path + (name,)
            if name not in known:
                reader.add(at, f"unknown fact {name!r}{_close(name, set(known))}", rule.id)
            elif name not in allowed:
                reader.add(at, f"{name!r} is a record fact; a case rule reads it inside "
                           "any_record, all_records, no_record or count_records", rule.id)
            elif name not in rs.needs:
                reader.add(at, f"reads {name!r}, which the rule set does not list under needs", rule.id)
    outputs = set(rs.table.outputs) if rs.table else set(rs.produces)
    for name, value in rule.then.items():
        if name not in outputs:
            reader.add(_rule_path(rs, index) + ("then", name), f"sets {name!r}, which is not among the outputs "
                       f"{sorted(outputs)}", rule.id)
        elif not _fits(rs.produces.get(name), value):
            reader.add(_rule_path(rs, index) + ("then", name), f"value {value!r} does not fit the declared "
                       f"{rs.produces[name].type} fact {name!r}", rule.id)
    if rs.table:
        for check in checks:
            for name in sorted(facts_read((check,))):
                if name not in rs.table.inputs:
                    reader.add(path + (check.fact,), f"{name!r} is not one of the table's inputs "
                               f"{rs.table.inputs}", rule.id)


def _fits(produced: Produced | None, value: Any) -> bool:
    if produced is None:
        return True
    if produced.type == "bool":
        return isinstance(value, bool)
    if produced.type in ("number", "months"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if produced.type == "set" and isinstance(value, list):
        return bool(value) and all(_fits(produced, v) for v in value)
    if produced.type in ("word", "set"):
        return isinstance(value, str) and (produced.values is None or value in produced.values)
    return True


def _compile_rule(rs: RuleSetFile, index: int, rule: Rule, known: dict[str, str],
                  reader: _Reader) -> CompiledRule | None:
    try:
        checks = compile_when(rule.when)
    except ConditionError as exc:
        reader.add(_rule_path(rs, index) + ("when", *exc.path), str(exc), rule.id)
        return None
    _check_names(rs, index, rule, checks, known, reader)
    return CompiledRule(rule.id, rule.title, checks, dict(rule.then), rule.finding, tuple(rule.source),
                        rule.in_force, tuple(rule.examples), reader.where(_rule_path(rs, index)))


def _read_file(path: FsPath) -> tuple[RuleSetFile | None, _Reader]:
    data, marks = parse_rule_file_positions(path)
    reader = _Reader(str(path), marks)
    try:
        return RuleSetFile.model_validate(data), reader
    except Exception as exc:  # pydantic ValidationError: re-expressed with positions
        for p in problems_from(exc, str(path), {k: v[0] for k, v in marks.items()}):
            reader.add(p.path, p.message, _rule_id_at(data, p.path))
        return None, reader


def _rule_id_at(data: Any, path: Path) -> str | None:
    try:
        node = data[path[0]][path[1]][path[2]] if path[:2] == ("table", "rows") else data[path[0]][path[1]]
        return node.get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _known_facts(files: list[RuleSetFile], catalogue: Catalogue) -> dict[str, str]:
    known = {name: spec.scope for name, spec in catalogue.items()}
    for rs in files:
        if rs.stage != "legal":
            known.update(dict.fromkeys(rs.produces, rs.scope))
    return known


def _order(sets: list[CompiledSet]) -> tuple[list[CompiledSet], list[str]]:
    """Dependency order (a set after the sets producing what it needs); cycles are refused."""
    producer = {fact: s.name for s in sets if s.stage != "legal" for fact in s.produces}
    deps = {s.name: {producer[n] for n in s.needs if n in producer} - {s.name} for s in sets}
    ordered, done = [], set()
    while len(done) < len(sets):
        ready = sorted(n for n in deps if n not in done and deps[n] <= done)
        if not ready:
            cycle = sorted(n for n in deps if n not in done)
            return ordered, [f"rule sets depend on each other in a cycle: {', '.join(cycle)}"]
        done |= set(ready)
        ordered += [s for s in sets if s.name in ready]
    return ordered, []


def load_rulebook(catalogue: Catalogue, rules_dir: FsPath | None = None) -> RuleBook:
    """The rule files under `rules_dir`, checked against the facts of `catalogue` (assembled by the domain
    layers: engine/report/catalogue.py)."""
    rules_dir = rules_dir or default_rules_dir()
    read = [(path, *_read_file(path)) for path in sorted(rules_dir.rglob(RULE_FILE_GLOB))]
    problems = [p for _, _, reader in read for p in reader.problems]
    files = [rs for _, rs, _ in read if rs is not None]
    known = _known_facts(files, catalogue)
    compiled: list[CompiledSet] = []
    for path, rs, reader in read:
        if rs is None:
            continue
        reader.problems = []
        compiled.append(_compile_set(rs, str(path), known, catalogue, reader))
        problems += reader.problems
    duplicates = _duplicates(compiled, catalogue)
    problems += duplicates
    if not duplicates:   # ordering needs unique names; duplicates are already reported
        ordered, cycle = _order(compiled)
        problems += [Problem(str(rules_dir), (), message) for message in cycle]
    if problems:
        raise InputError(problems)
    return RuleBook(rules_version(rules_dir), tuple(ordered), catalogue)


def _compile_set(rs: RuleSetFile, file: str, known: dict[str, str], catalogue: Catalogue,
                 reader: _Reader) -> CompiledSet:
    for name in rs.needs:
        if name not in known:
            reader.add(("needs",), f"needs unknown fact {name!r}{_close(name, set(known))}")
    if rs.stage == "legal":
        for name, produced in rs.produces.items():
            if name not in catalogue or catalogue[name].type != produced.type:
                reader.add(("produces", name), "a legal-stage rule set produces a catalogue fact of the same type")
    applies: tuple[Check, ...] = ()
    try:
        applies = compile_when(rs.applies_to)
    except ConditionError as exc:
        reader.add(("applies_to", *exc.path), str(exc))
    if applies and rs.scope == "case":
        reader.add(("applies_to",), "applies_to selects records; a case-scope rule set has none")
    for name in sorted(facts_read(applies)):
        if name not in known:
            reader.add(("applies_to", name), f"unknown fact {name!r}{_close(name, set(known))}")
        elif name not in rs.needs:
            reader.add(("applies_to", name), f"reads {name!r}, which the rule set does not list under needs")
    if rs.table:
        for name in rs.table.outputs:
            if name not in rs.produces:
                reader.add(("table", "outputs"), f"output {name!r} is not declared under produces")
    rules = rs.table.rows if rs.table else rs.rules
    compiled = tuple(c for i, rule in enumerate(rules) if (c := _compile_rule(rs, i, rule, known, reader)))
    return CompiledSet(rs.ruleset, rs.title, file, rs.scope, rs.stage,
                       rs.table.hit_policy if rs.table else "rules", applies, tuple(rs.needs), dict(rs.produces),
                       tuple(rs.table.inputs) if rs.table else (), compiled)


def _duplicates(sets: list[CompiledSet], catalogue: Catalogue) -> list[Problem]:
    out, seen, producers = [], {}, {}
    for s in sets:
        if s.name in seen:
            out.append(Problem(s.file, ("ruleset",), f"rule set {s.name!r} is also defined in {seen[s.name]}"))
        seen[s.name] = s.file
        for fact in s.produces:
            if s.stage != "legal" and fact in catalogue:
                out.append(Problem(s.file, ("produces", fact), f"{fact!r} is a catalogue fact; choose another name"))
            if fact in producers and s.stage != "legal":
                out.append(Problem(s.file, ("produces", fact), f"{fact!r} is also produced by {producers[fact]}"))
            producers.setdefault(fact, s.name)
    return out
