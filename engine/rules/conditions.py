"""Conditions: the `when` of a rule, compiled into checks with a readable failure for the trace.

A condition maps fact names to unary tests (engine/rules/unary.py). Case-scope rule sets may
also quantify over the case's records:

    any_record:   {considered: true, offence_category: "theft, fraud"}
    all_records:  {spent: true}
    no_record:    {custodial: true, considered: true}
    count_records: {where: {considered: true}, is: ">= 3"}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.rules.unary import Test, parse_test

QUANTIFIERS = ("any_record", "all_records", "no_record", "count_records")


@dataclass(frozen=True)
class Check:
    """One condition: a fact and its test, or a quantifier over the records."""

    fact: str
    test: Test
    over: tuple[Check, ...] = ()       # for quantifiers: the per-record conditions
    quantifier: str | None = None

    def __post_init__(self) -> None:
        if self.quantifier is not None:
            object.__setattr__(self, "over_match", compile_match(self.over))
            object.__setattr__(self, "over_names", frozenset(facts_read(self.over)))
        # Kept for the trace, which shows them for every rule consulted.
        object.__setattr__(self, "text", self.describe())
        object.__setattr__(self, "label", self.fact if self.quantifier is None else self.text)

    def holds_for(self, seen: Any) -> bool:
        """Whether the check holds, given the value quantified() found for it."""
        return self.test.fast(seen) if self.quantifier in (None, "count_records") else bool(seen)

    def describe(self) -> str:
        if self.quantifier is None:
            return f"{self.fact}: {self.test.text}"
        inner = ", ".join(c.describe() for c in self.over)
        return f"{self.quantifier} ({inner})" + ("" if self.quantifier != "count_records" else f" {self.test.text}")


class ConditionError(ValueError):
    """A condition that cannot be read, with the path of its cell inside `when`."""

    def __init__(self, path: tuple[str, ...], message: str):
        super().__init__(message)
        self.path = path


def compile_when(when: dict[str, Any]) -> tuple[Check, ...]:
    checks = []
    for fact, raw in when.items():
        try:
            checks.append(_quantifier(fact, raw) if fact in QUANTIFIERS else Check(fact, parse_test(raw)))
        except ConditionError as exc:
            raise ConditionError((fact, *exc.path), str(exc)) from exc
        except ValueError as exc:
            raise ConditionError((fact,), str(exc)) from exc
    return tuple(checks)


def _quantifier(name: str, raw: Any) -> Check:
    if not isinstance(raw, dict):
        raise ValueError(f"{name} takes a mapping of record facts to tests")
    if name == "count_records":
        extra = set(raw) - {"where", "is"}
        if extra or "is" not in raw:
            raise ValueError("count_records takes `where` (record facts to tests) and `is` (a number test)")
        try:
            over = compile_when(raw.get("where") or {})
        except ConditionError as exc:
            raise ConditionError(("where", *exc.path), str(exc)) from exc
        return Check(name, parse_test(raw["is"]), over, name)
    return Check(name, parse_test("-"), compile_when(raw), name)


def first_failure(checks: tuple[Check, ...], facts: dict[str, Any],
                  records: list[dict[str, Any]] | None = None) -> tuple[Check, Any] | None:
    """The first check that fails, with the value it saw; None when all hold."""
    for check in checks:
        seen = facts.get(check.fact) if check.quantifier is None else quantified(check, facts, records)
        if not check.holds_for(seen):
            return check, seen
    return None


def quantified(check: Check, facts: dict[str, Any], records: list[dict[str, Any]] | None) -> Any:
    """The value a check tests: the fact's, or for a quantifier what it found over the records."""
    if check.quantifier is None:
        return facts.get(check.fact)
    over, names = check.over_match, check.over_names
    matching = [r for r in records or [] if over(r if names <= r.keys() else {**facts, **r}, None)]
    if check.quantifier == "count_records":
        return len(matching)
    if check.quantifier == "any_record":
        return bool(matching)
    if check.quantifier == "all_records":
        return len(matching) == len(records or [])
    return not matching


def compile_match(checks: tuple[Check, ...]) -> Callable[[dict, list | None], bool]:
    """One closure saying whether all checks hold (the trace explains misses separately)."""
    if any(c.quantifier for c in checks):
        return lambda facts, records: first_failure(checks, facts, records) is None
    pairs = tuple((c.fact, c.test.fast) for c in checks)
    if not pairs:
        return lambda facts, records: True
    if len(pairs) == 1:
        ((name, test),) = pairs
        return lambda facts, records: test(facts.get(name))
    if len(pairs) == 2:
        (n1, t1), (n2, t2) = pairs
        return lambda facts, records: t1(facts.get(n1)) and t2(facts.get(n2))
    return lambda facts, records: all(test(facts.get(name)) for name, test in pairs)


def facts_read(checks: tuple[Check, ...]) -> set[str]:
    out = set()
    for c in checks:
        out |= facts_read(c.over) if c.quantifier else {c.fact}
    return out
