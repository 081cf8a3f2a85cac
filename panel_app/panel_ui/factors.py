"""The engine's case-level factors and trace outputs in words: a months factor says "months", a yes/no
factor says yes or no (the fact types come from the rules that produce them)."""

from __future__ import annotations

from typing import Any

from engine.report.rulebase import Rules
from panel_ui.tables import words


def fact_types(rules: Rules) -> dict[str, str]:
    return {name: produced.type for s in rules.book.sets for name, produced in s.produces.items()}


def factor_text(value: Any, kind: str | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "months":
        return f"{value} months"
    return str(words(value))


def factor_rows(factors: dict[str, Any], rules: Rules) -> list[dict[str, str]]:
    """One row a case-level factor that has a value (per-record factors are shown with each record)."""
    kinds = fact_types(rules)
    return [{"factor": str(words(name)), "value": factor_text(value, kinds.get(name))}
            for name, value in factors.items() if value is not None and not isinstance(value, list)]


def outputs_text(outputs: dict[str, Any] | None) -> str:
    return "; ".join(f"{words(k)}: {words(v)}" for k, v in (outputs or {}).items())
