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
    """One row a case-level factor that has a value (per-record factors are shown with each record), in the
    words of rules/framework/wording.yaml where it has them."""
    kinds, said = fact_types(rules), rules.wording.factors
    rows = []
    for name, value in factors.items():
        if value is None or name == "safeguards":
            continue
        phrases = said.get(name, {})
        if name == "recommendation" and value in rules.wording.outcomes:      # an outcome: its label
            rows.append({"factor": str(words(name)), "value": rules.wording.outcomes[value].label})
            continue
        if isinstance(value, list):
            text = ", ".join(phrases.get(v, str(words(v))) for v in value)
        elif isinstance(value, str) and value in phrases:
            text = phrases[value]
        else:
            text = factor_text(value, kinds.get(name))
        rows.append({"factor": str(words(name)), "value": text})
    return rows


def outputs_text(outputs: dict[str, Any] | None, rules: Rules) -> str:
    """A rule's outputs as the factor table says them (an outcome by its label, a factor by its phrase)."""
    shown = {k: v for k, v in (outputs or {}).items() if k != "recommendation"}
    said = [f"{r['factor']}: {r['value']}" for r in factor_rows(shown, rules)]
    if "recommendation" in (outputs or {}):
        outcome = rules.wording.outcomes.get(str(outputs["recommendation"]))
        said.insert(0, f"recommendation: {outcome.label if outcome else words(outputs['recommendation'])}")
    return "; ".join(said)
