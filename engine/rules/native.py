"""The native evaluator: compiled rule sets run in pure Python, with a trace of every rule consulted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.conditions import first_failure, quantified


class EvaluationError(Exception):
    """A rule set that cannot give an answer (two rows of a unique table match, two rules disagree)."""


class TraceEntry:
    """One rule consulted for one subject. What it saw and why it failed are rendered when read,
    from the facts it was given, so that recording the full trace stays cheap."""

    __slots__ = ("_facts", "_failure", "_records", "_rule", "in_force", "matched", "ruleset", "subject")

    def __init__(self, ruleset: str, rule: CompiledRule | str, subject: str, in_force: bool, matched: bool,
                 facts: dict[str, Any] | None = None, failure: tuple | str | None = None,
                 records: list[dict] | None = None):
        self.ruleset, self._rule, self.subject = ruleset, rule, subject
        self.in_force, self.matched, self._facts, self._failure = in_force, matched, facts, failure
        self._records = records

    @property
    def rule(self) -> str:
        return self._rule if isinstance(self._rule, str) else self._rule.id

    @property
    def seen(self) -> dict[str, Any]:
        """The value of every fact the rule reads; for a quantifier, what it found over the records."""
        if self._facts is None or isinstance(self._rule, str):
            return {}
        return {(c.fact if c.quantifier is None else c.describe()): quantified(c, self._facts, self._records)
                for c in self._rule.checks}

    @property
    def failed(self) -> str | None:
        """For a miss: the first condition that failed, and the value it saw."""
        if self._failure is None or isinstance(self._failure, str):
            return self._failure
        check, value = self._failure
        return f"{check.describe()} (saw {show_value(value)})"

    @property
    def outputs(self) -> dict[str, Any]:
        return dict(self._rule.then) if self.matched and not isinstance(self._rule, str) else {}


class Finding(NamedTuple):
    ruleset: str
    rule: str
    title: str
    subject: str
    outputs: dict[str, Any]
    text: str | None
    source: tuple[str, ...]


class Consulted(NamedTuple):
    """A rule set consulted for one subject; expanded into one TraceEntry per rule when read."""

    cset: CompiledSet
    subject: str
    facts: dict[str, Any]
    records: list[dict] | None
    on: date

    def entries(self) -> list[TraceEntry]:
        live, dormant = _in_force(self.cset, self.on)
        out = [TraceEntry(self.cset.name, r, self.subject, False, False, None, f"not in force on {self.on}")
               for r in dormant]
        for rule in live:
            failure = first_failure(rule.checks, self.facts, self.records)
            out.append(TraceEntry(self.cset.name, rule, self.subject, True, failure is None, self.facts, failure,
                                  self.records))
            if failure is None and self.cset.policy == "first":
                break
        return out


@dataclass
class Evaluation:
    case_facts: dict[str, Any]
    record_facts: dict[str, dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    trace: list[Consulted | TraceEntry] = field(default_factory=list)

    def trace_entries(self) -> list[TraceEntry]:
        """Every rule consulted, in order: what it saw, whether it matched, and why not."""
        out: list[TraceEntry] = []
        for item in self.trace:
            out += item.entries() if isinstance(item, Consulted) else [item]
        return out


def show_value(value: Any) -> str:
    """A value as rule files write it."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return str(value)


def _combine(cset: CompiledSet, matched: list[CompiledRule], subject: str) -> dict[str, Any]:
    outputs: dict[str, Any] = dict.fromkeys(cset.produces)
    if cset.policy == "unique" and len(matched) > 1:
        raise EvaluationError(f"{cset.name}: rows {', '.join(r.id for r in matched)} all match for {subject}; "
                              "a unique table allows one")
    for rule in matched:
        for name, value in rule.then.items():
            if cset.produces[name].type == "set":
                outputs[name] = (outputs[name] or frozenset()) | set(value if isinstance(value, list) else [value])
            elif outputs[name] is not None and outputs[name] != value:
                raise EvaluationError(f"{cset.name}: {rule.id} sets {name} to {value!r} for {subject}, "
                                      f"but another rule set it to {outputs[name]!r}")
            else:
                outputs[name] = value
    return outputs


Matcher = Callable[[CompiledSet, dict, "list[dict] | None", str, date, "list[TraceEntry] | None"],
                   "list[CompiledRule]"]


def _in_force(cset: CompiledSet, on: date) -> tuple[tuple[CompiledRule, ...], tuple[CompiledRule, ...]]:
    """The set's rules in force on the date, and those not; computed once per set and date."""
    cached = cset.by_date.get(on)
    if cached is None:
        if len(cset.by_date) > 1000:
            cset.by_date.clear()
        cached = cset.by_date[on] = (tuple(r for r in cset.rules if r.in_force.covers(on)),
                                     tuple(r for r in cset.rules if not r.in_force.covers(on)))
    return cached


def native_matches(cset: CompiledSet, facts: dict[str, Any], records: list[dict] | None, subject: str, on: date,
                   trace: list | None) -> list[CompiledRule]:
    """The rules whose conditions hold, in file order (a first-hit table stops at the first)."""
    if trace is not None:
        trace.append(Consulted(cset, subject, facts, records, on))
    live = _in_force(cset, on)[0]
    if cset.policy == "first":
        return next(([rule] for rule in live if rule.holds(facts, records)), [])
    return [rule for rule in live if rule.holds(facts, records)]


def run_set(cset: CompiledSet, facts: dict[str, Any], on: date, subject: str = "case",
            records: list[dict] | None = None, trace: list[TraceEntry] | None = None,
            matcher: Matcher = native_matches) -> tuple[dict, list]:
    """One rule set on one subject: its outputs and the rules that matched."""
    matched = matcher(cset, facts, records, subject, on, trace)
    if cset.policy == "first":
        matched = matched[:1]
    return _combine(cset, matched, subject), matched


def _finding(cset: CompiledSet, rule: CompiledRule, subject: str) -> Finding:
    return Finding(cset.name, rule.id, rule.title, subject, rule.then, rule.finding, rule.source)


def evaluate(book: RuleBook, case_facts: dict[str, Any], record_facts: dict[str, dict[str, Any]], on: date,
             with_trace: bool = True, matcher: Matcher = native_matches) -> Evaluation:
    """Every assessment-stage rule set in dependency order; records in id order.

    Each record has one view of its facts and the case's, kept up to date as rule sets add facts
    (a rule only reads facts produced before it runs, so what the trace shows never changes).
    """
    result = Evaluation(dict(case_facts), {k: dict(v) for k, v in record_facts.items()})
    trace = result.trace if with_trace else None
    ids = sorted(result.record_facts)
    views = {rid: {**result.case_facts, **result.record_facts[rid]} for rid in ids}
    for cset in book.stage("assessment"):
        if cset.scope == "record":
            for rid in ids:
                outputs, matched = _record_set(cset, views[rid], rid, on, trace, matcher)
                result.record_facts[rid].update(outputs)
                views[rid].update(outputs)
                result.findings += [_finding(cset, r, rid) for r in matched]
        else:
            records = [result.record_facts[rid] for rid in ids]
            outputs, matched = run_set(cset, result.case_facts, on, "case", records, trace, matcher)
            result.case_facts.update(outputs)
            for view in views.values():
                view.update(outputs)
            result.findings += [_finding(cset, r, "case") for r in matched]
    return result


def _record_set(cset: CompiledSet, facts: dict[str, Any], rid: str, on: date, trace: list[TraceEntry] | None,
                matcher: Matcher) -> tuple[dict, list]:
    skipped = first_failure(cset.applies_to, facts) if cset.applies_to else None
    if skipped is None:
        return run_set(cset, facts, on, rid, None, trace, matcher)
    if trace is not None:
        trace.append(TraceEntry(cset.name, "(applies_to)", rid, True, False, None, skipped))
    return dict.fromkeys(cset.produces), []
