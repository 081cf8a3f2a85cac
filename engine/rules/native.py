"""The native evaluator: compiled rule sets run in pure Python, with a trace of every rule consulted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.conditions import first_failure


class EvaluationError(Exception):
    """A rule set that cannot give an answer (two rows of a unique table match, two rules disagree)."""


@dataclass(frozen=True)
class TraceEntry:
    ruleset: str
    rule: str
    subject: str                    # a record id, or "case"
    in_force: bool
    matched: bool
    seen: dict[str, Any]            # the value of every fact the rule reads
    failed: str | None = None       # for a miss: the first condition that failed
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    ruleset: str
    rule: str
    title: str
    subject: str
    outputs: dict[str, Any]
    text: str | None
    source: tuple[str, ...]


@dataclass
class Evaluation:
    case_facts: dict[str, Any]
    record_facts: dict[str, dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    trace: list[TraceEntry] = field(default_factory=list)


def _seen(rule: CompiledRule, facts: dict[str, Any]) -> dict[str, Any]:
    return {c.fact: facts.get(c.fact) for c in rule.checks if c.quantifier is None}


def _consult(cset: CompiledSet, rule: CompiledRule, facts: dict[str, Any], records: list[dict] | None,
             subject: str, on: date, trace: list[TraceEntry] | None) -> bool:
    if not rule.in_force.covers(on):
        if trace is not None:
            trace.append(TraceEntry(cset.name, rule.id, subject, False, False, {}, f"not in force on {on}"))
        return False
    failure = first_failure(rule.checks, facts, records)
    if trace is not None:
        failed = None if failure is None else f"{failure[0].describe()} (saw {_show(failure[1])})"
        trace.append(TraceEntry(cset.name, rule.id, subject, True, failure is None, _seen(rule, facts), failed,
                                dict(rule.then) if failure is None else {}))
    return failure is None


def _show(value: Any) -> str:
    if value is None:
        return "missing"
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
                outputs[name] = (outputs[name] or frozenset()) | {value}
            elif outputs[name] is not None and outputs[name] != value:
                raise EvaluationError(f"{cset.name}: {rule.id} sets {name} to {value!r} for {subject}, "
                                      f"but another rule set it to {outputs[name]!r}")
            else:
                outputs[name] = Fraction(value) if isinstance(value, (int, float)) and \
                    not isinstance(value, bool) else value
    return outputs


Matcher = Callable[[CompiledSet, dict, "list[dict] | None", str, date, "list[TraceEntry] | None"],
                   "list[CompiledRule]"]


def native_matches(cset: CompiledSet, facts: dict[str, Any], records: list[dict] | None, subject: str, on: date,
                   trace: list[TraceEntry] | None) -> list[CompiledRule]:
    """The rules whose conditions hold, in file order (a first-hit table stops at the first)."""
    matched = []
    for rule in cset.rules:
        if _consult(cset, rule, facts, records, subject, on, trace):
            matched.append(rule)
            if cset.policy == "first":
                break
    return matched


def run_set(cset: CompiledSet, facts: dict[str, Any], on: date, subject: str = "case",
            records: list[dict] | None = None, trace: list[TraceEntry] | None = None,
            matcher: Matcher = native_matches) -> tuple[dict, list]:
    """One rule set on one subject: its outputs and the rules that matched."""
    matched = matcher(cset, facts, records, subject, on, trace)
    if cset.policy == "first":
        matched = matched[:1]
    return _combine(cset, matched, subject), matched


def _finding(cset: CompiledSet, rule: CompiledRule, subject: str) -> Finding:
    return Finding(cset.name, rule.id, rule.title, subject, dict(rule.then), rule.finding, rule.source)


def evaluate(book: RuleBook, case_facts: dict[str, Any], record_facts: dict[str, dict[str, Any]], on: date,
             with_trace: bool = True, matcher: Matcher = native_matches) -> Evaluation:
    """Every assessment-stage rule set in dependency order; records in id order."""
    result = Evaluation(dict(case_facts), {k: dict(v) for k, v in record_facts.items()})
    trace = result.trace if with_trace else None
    for cset in book.stage("assessment"):
        if cset.scope == "record":
            for rid in sorted(result.record_facts):
                facts = {**result.case_facts, **result.record_facts[rid]}
                skipped = first_failure(cset.applies_to, facts)
                if skipped is not None:
                    result.record_facts[rid].update(dict.fromkeys(cset.produces))
                    if trace is not None:
                        trace.append(TraceEntry(cset.name, "(applies_to)", rid, True, False, {},
                                                f"{skipped[0].describe()} (saw {_show(skipped[1])})"))
                    continue
                outputs, matched = run_set(cset, facts, on, rid, None, trace, matcher)
                result.record_facts[rid].update(outputs)
                result.findings += [_finding(cset, r, rid) for r in matched]
        else:
            records = [result.record_facts[rid] for rid in sorted(result.record_facts)]
            outputs, matched = run_set(cset, result.case_facts, on, "case", records, trace, matcher)
            result.case_facts.update(outputs)
            result.findings += [_finding(cset, r, "case") for r in matched]
    return result
