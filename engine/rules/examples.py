"""Run the inline examples of every rule: given facts, the rule set must produce the expected ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.native import EvaluationError, run_set


@dataclass(frozen=True)
class ExampleResult:
    ruleset: str
    rule: str
    number: int
    where: str
    problem: str | None

    @property
    def passed(self) -> bool:
        return self.problem is None


def as_fact(book: RuleBook, name: str, value: Any) -> Any:
    """A value written in YAML, as the evaluator sees facts of that type."""
    kind = book.fact_type(name)
    if value is None:
        return None
    if kind == "set":
        return frozenset(value if isinstance(value, list) else [value])
    if kind in ("number", "months"):
        exact = Fraction(str(value))
        return int(exact) if exact.denominator == 1 else exact
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _facts(book: RuleBook, cset: CompiledSet, given: dict[str, Any]) -> tuple[dict, list | None, str | None]:
    records = None
    facts = {}
    for name, value in given.items():
        if name == "records" and cset.scope == "case":
            records = [{k: as_fact(book, k, v) for k, v in r.items()} for r in value]
        elif name not in cset.needs:
            return {}, None, f"given fact {name!r} is not among the rule set's needs {list(cset.needs)}"
        else:
            facts[name] = as_fact(book, name, value)
    return facts, records, None


def _run_one(book: RuleBook, cset: CompiledSet, rule: CompiledRule, example) -> str | None:
    facts, records, problem = _facts(book, cset, example.given)
    if problem:
        return problem
    on = example.on or rule.in_force.from_
    try:
        outputs, _ = run_set(cset, facts, on, "example", records)
    except EvaluationError as exc:
        return str(exc)
    wrong = [f"{name}: expected {value!r}, got {outputs.get(name)!r}" for name, value in example.expect.items()
             if name not in cset.produces or outputs.get(name) != as_fact(book, name, value)]
    return "; ".join(wrong) or None


def run_examples(book: RuleBook) -> list[ExampleResult]:
    results = []
    for cset in book.sets:
        for rule in cset.rules:
            for number, example in enumerate(rule.examples, 1):
                results.append(ExampleResult(cset.name, rule.id, number, rule.where,
                                             _run_one(book, cset, rule, example)))
    return results
