"""The engine's entry point: a pure function of (case, rules, date) returning the report."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.case_model import Case
from engine.legal.layer import assess_legal
from engine.report import build_report
from engine.rulebase import Rules
from engine.rules.catalogue import derive_facts
from engine.rules.native import evaluate

ENGINES = ("native", "durable")


def assess(case: Case, rules: Rules, on: date, engine: str = "native") -> dict[str, Any]:
    """The report. The native evaluator (the reference) gives the full trace; durable_rules gives none."""
    legal = assess_legal(case, rules, on)
    case_facts, record_facts = derive_facts(case, legal, rules.tables)
    if engine == "durable":
        from engine.rules.durable_eval import evaluate_durable

        evaluation = evaluate_durable(rules.book, case_facts, record_facts, on)
    else:
        evaluation = evaluate(rules.book, case_facts, record_facts, on)
    report = build_report(case, legal, evaluation, rules)
    report["evaluator"] = engine
    return report
