"""`fairchance rules lint`: what a careful reader of the rule files would check, done by machine.

Errors: overlapping rows in a unique table; input combinations no row covers (enumerated
inputs, or a single numeric input); rows a first-hit table can never reach; rules without
examples; a rule id whose versions are in force on the same day; a test that does not fit the
fact it reads (a number test on a word fact, a word not in the vocabulary).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.conditions import Check
from engine.rules.native import show_value
from engine.rules.unary import Interval, Test

ACCEPTS = {"bool": {"bool"}, "word": {"word"}, "number": {"number"}, "months": {"number"},
           "date": {"date"}, "set": {"set"}}
ALWAYS = {"any", "missing", "present"}
MAX_COMBINATIONS = 20_000


@dataclass(frozen=True)
class LintIssue:
    where: str
    ruleset: str
    rule: str | None
    message: str

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.where}:{rule} {self.ruleset}: {self.message}"


class _Facts:
    """Types, vocabularies and whether a fact may be missing, for catalogue and produced facts."""

    def __init__(self, book: RuleBook, tables: Any):
        self.book, self.tables, self.catalogue = book, tables, book.catalogue

    def type(self, name: str) -> str | None:
        return self.book.fact_type(name)

    def words(self, name: str) -> list | None:
        if name in self.catalogue:
            return self.catalogue.words(self.catalogue[name], self.tables)
        return next((s.produces[name].values for s in self.book.sets if name in s.produces), None)

    def domain(self, name: str, cset: CompiledSet) -> list | None:
        kind = self.type(name)
        values = [True, False] if kind == "bool" else self.words(name) if kind == "word" else None
        if values is None:
            return None
        optional = cset.stage != "legal" and (self.catalogue[name].optional if name in self.catalogue else True)
        return values + [None] if optional else values


def lint(book: RuleBook, tables: Any) -> list[LintIssue]:
    """`tables`: what the catalogue's vocabularies read their words from (the legal tables)."""
    facts = _Facts(book, tables)
    issues: list[LintIssue] = []
    for cset in book.sets:
        for rule in cset.rules:
            issues += _rule_issues(cset, rule, facts)
        if cset.policy in ("unique", "first"):
            issues += _table_issues(cset, facts)
    issues += _version_issues(book)
    return issues


def _rule_issues(cset: CompiledSet, rule: CompiledRule, facts: _Facts) -> list[LintIssue]:
    out = []
    if not rule.examples:
        out.append(LintIssue(rule.where, cset.name, rule.id, "no examples: add at least one (given, expect)"))
    for check in _flat(rule.checks):
        problem = _type_problem(check, facts)
        if problem:
            out.append(LintIssue(rule.where, cset.name, rule.id, problem))
    return out


def _flat(checks: tuple[Check, ...]) -> list[Check]:
    return [c for check in checks for c in ([check] if check.quantifier is None else _flat(check.over))]


def _type_problem(check: Check, facts: _Facts) -> str | None:
    kind, test = facts.type(check.fact), check.test
    if kind is None or test.kind in ALWAYS:
        return None
    if test.kind not in ACCEPTS[kind]:
        return f"test {test.text!r} ({test.kind}) does not fit {check.fact!r}, a {kind} fact"
    if test.duration and kind != "months":
        return (f"test {test.text!r} is a duration (counted in months), but {check.fact!r} is a {kind} fact; "
                "write a plain number")
    words = facts.words(check.fact)
    unknown = sorted(str(v) for v in (test.values or ()) if words is not None and v not in words)
    if unknown:
        return f"{', '.join(unknown)} not among the values of {check.fact!r}: {', '.join(map(str, words))}"
    return None


def _in_force_overlap(a: CompiledRule, b: CompiledRule) -> bool:
    a_end, b_end = a.in_force.to or date.max, b.in_force.to or date.max
    return a.in_force.from_ <= b_end and b.in_force.from_ <= a_end


def _version_issues(book: RuleBook) -> list[LintIssue]:
    out = []
    rules = [(s, r) for s in book.sets for r in s.rules]
    for (_, r1), (s2, r2) in itertools.combinations(rules, 2):
        if r1.id == r2.id and _in_force_overlap(r1, r2):
            out.append(LintIssue(r2.where, s2.name, r2.id, f"another version of {r1.id} ({r1.where}) is in force "
                                 "on some of the same days; give them dates that do not overlap"))
    return out


def _row_tests(rule: CompiledRule) -> dict[str, Test]:
    return {c.fact: c.test for c in rule.checks if c.quantifier is None}


def _table_issues(cset: CompiledSet, facts: _Facts) -> list[LintIssue]:
    if any(c.quantifier for r in cset.rules for c in r.checks):
        return []   # quantified rows are not enumerable
    out = []
    if cset.policy == "unique":
        for r1, r2 in itertools.combinations(cset.rules, 2):
            if _in_force_overlap(r1, r2) and _may_overlap(r1, r2, cset, facts):
                out.append(LintIssue(r2.where, cset.name, r2.id, f"overlaps {r1.id}: some input values match "
                                     "both rows of a unique table"))
    domains = {name: facts.domain(name, cset) for name in cset.inputs}
    if all(d is not None for d in domains.values()):
        out += _enumerated(cset, domains)
    elif len(cset.inputs) == 1 and facts.type(cset.inputs[0]) in ("number", "months", "date"):
        out += _interval_gaps(cset, facts.type(cset.inputs[0]) == "months")
    return out


def _may_overlap(r1: CompiledRule, r2: CompiledRule, cset: CompiledSet, facts: _Facts) -> bool:
    t1, t2 = _row_tests(r1), _row_tests(r2)
    for name in cset.inputs:
        a, b = t1.get(name), t2.get(name)
        if a is None or b is None or a.kind == "any" or b.kind == "any":
            continue
        domain = facts.domain(name, cset)
        if domain is not None:
            if not any(a(v) and b(v) for v in domain):
                return False
        elif (a.interval and b.interval and not a.interval.intersects(b.interval)) \
                or {a.kind, b.kind} == {"missing", "present"}:
            return False
    return True


def _matches(rule: CompiledRule, combo: dict) -> bool:
    return all(test(combo[name]) for name, test in _row_tests(rule).items() if name in combo)


def _enumerated(cset: CompiledSet, domains: dict[str, list]) -> list[LintIssue]:
    names = list(domains)
    combos = [dict(zip(names, values, strict=True)) for values in
              itertools.islice(itertools.product(*(domains[n] for n in names)), MAX_COMBINATIONS)]
    out = []
    for day in _change_days(cset):
        rows = [r for r in cset.rules if r.in_force.covers(day)]
        covered: list[dict] = []
        for rule in rows:
            mine = [c for c in combos if _matches(rule, c)]
            if cset.policy == "first" and mine and all(c in covered for c in mine):
                out.append(LintIssue(rule.where, cset.name, rule.id, "unreachable: earlier rows of this first-hit "
                                     "table match every input this row matches"))
            covered += [c for c in mine if c not in covered]
        for gap in [c for c in combos if c not in covered][:5]:
            shown = ", ".join(f"{k}={show_value(v)}" for k, v in gap.items())
            out.append(LintIssue(f"{cset.file}:1", cset.name, None, f"gap from {day}: no row covers {shown}"))
    return out


def _change_days(cset: CompiledSet) -> list[date]:
    """Every day on which the rows in force change: when one starts, and the day after one ends."""
    days = {r.in_force.from_ for r in cset.rules}
    days |= {r.in_force.to + timedelta(days=1) for r in cset.rules if r.in_force.to and r.in_force.to < date.max}
    return sorted(days)


def _interval_gaps(cset: CompiledSet, from_zero: bool) -> list[LintIssue]:
    out = []
    for day in _change_days(cset):
        rows = [r for r in cset.rules if r.in_force.covers(day)]
        gap = _interval_gap(rows, cset.inputs[0], from_zero)
        if gap:
            out.append(LintIssue(f"{cset.file}:1", cset.name, None, f"gap from {day}: {gap}"))
    return out


def _span(test: Test | None) -> Interval | None:
    if test is None or test.kind in ("any", "present"):
        return Interval()          # a row that does not limit the input covers every value
    return test.interval


def _interval_gap(rows: list[CompiledRule], name: str, from_zero: bool) -> str | None:
    """Whether the rows' intervals leave a value of the single input uncovered (durations start at 0)."""
    spans = sorted((s for r in rows if (s := _span(_row_tests(r).get(name))) is not None),
                   key=lambda i: (i.low is not None, i.low or 0, i.low_open))
    reach: Interval | None = Interval(high=Fraction(0), high_open=True) if from_zero else None
    for span in spans:
        if reach is None:
            if span.low is not None:
                break
        elif not (reach.high is None or span.low is None or span.low < reach.high
                  or (span.low == reach.high and not (span.low_open and reach.high_open))):
            break
        if reach is None or span.high is None or (reach.high is not None and span.high >= reach.high):
            reach = Interval(high=span.high, high_open=span.high_open)
    if reach is None or reach.high is not None:
        where = "below the lowest row" if reach is None else f"from {show_value(reach.high)}"
        return f"values of {name} {where} match no row"
    return None
