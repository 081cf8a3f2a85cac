"""The engine's entry point: a pure function of (case, rules, date) returning the report."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.case.model import Case
from engine.framework.explain import applicant_letter, panel_explanation
from engine.legal.layer import CaseMemo, assess_legal
from engine.oh.summary import oh_section
from engine.report.catalogue import derive_facts
from engine.report.document import build_report
from engine.report.rulebase import Rules
from engine.rules.native import evaluate

ENGINES = ("native", "durable")


CHANGE_DATES_SHOWN = 5


# On each date of change the report shows only the recommendation, so only the rule sets it depends on run.
RECOMMENDATION = frozenset({"recommendation"})


def _evaluate(case: Case, rules: Rules, on: date, engine: str, memo: CaseMemo, trace: bool = True,
              wanted: frozenset[str] | None = None):
    legal = assess_legal(case, rules, on, memo)
    names = rules.book.needs_of("assessment", wanted) if wanted is not None else None
    case_facts, record_facts = derive_facts(case, legal, rules.tables, names)
    if engine == "durable":
        from engine.rules.durable_eval import evaluate_durable

        return legal, evaluate_durable(rules.book, case_facts, record_facts, on, wanted)
    return legal, evaluate(rules.book, case_facts, record_facts, on, with_trace=trace, wanted=wanted)


def assess(case: Case, rules: Rules, on: date, engine: str = "native") -> dict[str, Any]:
    """The report. The native evaluator (the reference) gives the full trace; durable_rules gives none.

    Each of the next dates of change carries the recommendation the case would get on that day.
    """
    memo = CaseMemo(case)
    legal, evaluation = _evaluate(case, rules, on, engine, memo)
    report = build_report(case, legal, evaluation, rules)
    outcome_on = {}
    for change in report["changes"]:
        day = date.fromisoformat(change["date"])
        if day not in outcome_on and len(outcome_on) < CHANGE_DATES_SHOWN:
            evaluation = _evaluate(case, rules, day, engine, memo, False, RECOMMENDATION)[1]
            outcome_on[day] = evaluation.case_facts.get("recommendation")
        change["recommendation_then"] = outcome_on.get(day)
    report["evaluator"] = engine
    needs = list(case.health.functional_needs) if case.health else []
    assessment = case.health.oh_assessment if case.health else None
    report["occupational_health"] = oh_section(report["factors"], report["findings"], needs, report["assessed_on"],
                                               rules.oh, assessment.model_dump(mode="json") if assessment else None)
    report["explanation"] = {"panel": panel_explanation(report, case, rules.wording),
                             "applicant_letter": applicant_letter(report, case, rules.wording)}
    return report
