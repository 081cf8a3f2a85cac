"""The native evaluator: compiled rule sets run in pure Python, with a trace of every rule consulted."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.conditions import Check, first_failure, quantified
from engine.rules.plain import SCALARS, plain


class EvaluationError(Exception):
    """A rule set that cannot give an answer (two rows of a unique table match, two rules disagree)."""


class Finding(NamedTuple):
    ruleset: str
    rule: str
    title: str
    subject: str
    outputs: dict[str, Any]     # as plain data (the rule's plain_then): shared, so copied into the report
    text: str | None
    source: tuple[str, ...]


def _row(ruleset: str, rule: str, subject: str | None, in_force: bool, matched: bool, seen: dict[str, Any],
         failed: str | None, outputs: dict[str, Any]) -> dict[str, Any]:
    """One rule consulted for one subject: what it saw, whether it matched, why not, what it gave."""
    return {"ruleset": ruleset, "rule": rule, "subject": subject, "in_force": in_force, "matched": matched,
            "seen": seen, "failed": failed, "outputs": outputs}


def _consult(rule: CompiledRule, facts: dict[str, Any], records: list[dict] | None) -> tuple[dict, str | None]:
    """In one pass: the value of every fact the rule reads (for a quantifier, what it found over the
    records) and the first condition that failed, with the value it saw."""
    seen, failed = {}, None
    for check in rule.checks:
        if check.quantifier is None:   # most checks: inlined, since the trace consults every rule
            value = facts.get(check.fact)
            holds = check.test.fast(value)
        else:
            value = quantified(check, facts, records)
            holds = check.holds_for(value)
        seen[check.label] = value if type(value) in SCALARS else plain(value)
        if not holds and failed is None:
            failed = _failed(check, value)
    return seen, failed


def _failed(check: Check, value: Any) -> str:
    return f"{check.text} (saw {show_value(value)})"


@dataclass
class Evaluation:
    case_facts: dict[str, Any]
    record_facts: dict[str, dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)   # every rule consulted, in order, as report rows


def show_value(value: Any) -> str:
    """A value as rule files write it."""
    if type(value) is str:
        return value
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
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


Matcher = Callable[[CompiledSet, dict, "list[dict] | None", str, date, "list[dict[str, Any]] | None"],
                   "list[CompiledRule]"]


def _in_force(cset: CompiledSet, on: date) -> tuple[int, tuple[CompiledRule, ...], tuple[CompiledRule, ...]]:
    """The period the date falls in, the set's rules in force then and those not; worked out once a period."""
    period = bisect_right(cset.changes, on)
    cached = cset.by_period.get(period)
    if cached is None:
        cached = cset.by_period[period] = (period, tuple(r for r in cset.rules if r.in_force.covers(on)),
                                           tuple(r for r in cset.rules if not r.in_force.covers(on)))
    return cached


MEMO_SIZE = 20_000   # results kept per rule set; forgotten all at once when full


def native_matches(cset: CompiledSet, facts: dict[str, Any], records: list[dict] | None, subject: str, on: date,
                   trace: list | None) -> list[CompiledRule]:
    """The rules whose conditions hold, in file order (a first-hit table stops at the first).

    What a rule set gives depends only on the rules in force and the values of the facts its rules read
    (the loader refuses a rule reading anything else), so it is kept by those, with their types: a
    replay meets the same inputs again and again. The trace rows are made afresh from what is kept.
    """
    period, live, dormant = _in_force(cset, on)
    key = _inputs(cset, period, facts, records)
    kept = cset.memo.get(key) if key is not None else None
    if kept is None or (trace is not None and kept[1] is None):
        kept = _match(cset, live, facts, records, trace is not None)
        if key is not None:
            if len(cset.memo) >= MEMO_SIZE:
                cset.memo.clear()
            cset.memo[key] = kept
    if trace is not None:
        name = cset.name
        trace += [_row(name, r.id, subject, False, False, {}, f"not in force on {on}", {}) for r in dormant]
        # Copied, each with its own seen and outputs; the values in those (words, numbers, lists of
        # words) are shared between reports, which are never changed once built.
        for kept_row in kept[1]:
            row = kept_row.copy()
            row["subject"], row["seen"], row["outputs"] = subject, row["seen"].copy(), row["outputs"].copy()
            trace.append(row)
    return list(kept[0])


def _inputs(cset: CompiledSet, period: int, facts: dict[str, Any], records: list[dict] | None) -> tuple | None:
    """What the set's result depends on: the period of its rules in force, and each value it reads
    with its type (True and 1 are equal, but not the same input); None if a value cannot be kept."""
    values = tuple(map(facts.get, cset.reads))
    key = (period, values, tuple(map(type, values)))
    if cset.record_reads and records:
        per_record = tuple(tuple(r[n] if n in r else facts.get(n) for n in cset.record_reads) for r in records)
        key += (per_record, tuple(tuple(map(type, v)) for v in per_record))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _match(cset: CompiledSet, live: tuple[CompiledRule, ...], facts: dict[str, Any], records: list[dict] | None,
           traced: bool) -> tuple[tuple[CompiledRule, ...], list[dict[str, Any]] | None]:
    """The rules that match and, if traced, a trace row for each rule consulted (its subject left to fill)."""
    if not traced:
        if cset.policy == "first":
            return next(((rule,) for rule in live if rule.holds(facts, records)), ()), None
        return tuple(rule for rule in live if rule.holds(facts, records)), None
    matched, rows = [], []
    for rule in live:
        seen, failed = _consult(rule, facts, records)
        rows.append(_row(cset.name, rule.id, None, True, failed is None, seen, failed,
                         rule.plain_then if failed is None else {}))
        if failed is None:
            matched.append(rule)
            if cset.policy == "first":
                break
    return tuple(matched), rows


def run_set(cset: CompiledSet, facts: dict[str, Any], on: date, subject: str = "case",
            records: list[dict] | None = None, trace: list[dict[str, Any]] | None = None,
            matcher: Matcher = native_matches) -> tuple[dict, list]:
    """One rule set on one subject: its outputs and the rules that matched."""
    matched = matcher(cset, facts, records, subject, on, trace)
    if cset.policy == "first":
        matched = matched[:1]
    return _combine(cset, matched, subject), matched


def _finding(cset: CompiledSet, rule: CompiledRule, subject: str) -> Finding:
    return Finding(cset.name, rule.id, rule.title, subject, rule.plain_then, rule.finding, rule.source)


def evaluate(book: RuleBook, case_facts: dict[str, Any], record_facts: dict[str, dict[str, Any]], on: date,
             with_trace: bool = True, matcher: Matcher = native_matches,
             wanted: frozenset[str] | None = None) -> Evaluation:
    """Every assessment-stage rule set in dependency order (given `wanted`, only those the wanted facts
    depend on); records in id order.

    Each record has one view of its facts and the case's, kept up to date as rule sets add facts
    (a rule only reads facts produced before it runs, so what the trace shows never changes).
    """
    result = Evaluation(dict(case_facts), {k: dict(v) for k, v in record_facts.items()})
    trace = result.trace if with_trace else None
    ids = sorted(result.record_facts)
    views = {rid: {**result.case_facts, **result.record_facts[rid]} for rid in ids}
    for cset in book.stage("assessment", wanted):
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


def _record_set(cset: CompiledSet, facts: dict[str, Any], rid: str, on: date, trace: list[dict[str, Any]] | None,
                matcher: Matcher) -> tuple[dict, list]:
    skipped = first_failure(cset.applies_to, facts) if cset.applies_to else None
    if skipped is None:
        return run_set(cset, facts, on, rid, None, trace, matcher)
    if trace is not None:
        trace.append(_row(cset.name, "(applies_to)", rid, True, False, {}, _failed(*skipped), {}))
    return dict.fromkeys(cset.produces), []
