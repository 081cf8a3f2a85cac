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


def assess(case: Case, rules: Rules, on: date) -> dict[str, Any]:
    legal = assess_legal(case, rules, on)
    case_facts, record_facts = derive_facts(case, legal, rules.tables)
    evaluation = evaluate(rules.book, case_facts, record_facts, on)
    return build_report(case, legal, evaluation, rules)
