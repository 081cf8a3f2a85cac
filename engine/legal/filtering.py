"""Filtering: whether a record is protected from standard and enhanced certificates on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.case.dates import add_months
from engine.legal.records import Protection, Reason, RecordFacts
from engine.legal.spent_value import SpentOn
from engine.legal.tables import Condition, FilterRegime, FilterRule


@dataclass(frozen=True)
class FilterFacts:
    record: RecordFacts
    record_class: str
    custodial: bool
    only_conviction: bool
    spent_on: SpentOn


def record_class(facts: RecordFacts) -> str:
    if facts.conviction:
        return "conviction"
    age = "youth" if facts.youth else "adult"
    return f"{age}_conditional_caution" if facts.conditional else f"{age}_caution"


def _holds(when: Condition, f: FilterFacts, on: date) -> bool:
    """Every condition the rule gives holds (a condition left out holds)."""
    classes = [when.class_] if isinstance(when.class_, str) else when.class_
    return ((classes is None or f.record_class in classes)
            and (when.youth is None or f.record.youth == when.youth)
            and (when.spent is None or f.spent_on.spent_by(on) == when.spent)
            and (when.specified is None or f.record.specified == when.specified)
            and (when.custodial is None or f.custodial == when.custodial)
            and (when.only_conviction is None or f.only_conviction == when.only_conviction))


def _decide(rule: FilterRule, f: FilterFacts, on: date) -> tuple[bool, date | None]:
    if isinstance(rule.then, str):
        return rule.then == "protected", None
    since = add_months(f.record.date, rule.then.protected_after.in_months)
    return on >= since, since


def _protected_on(regime: FilterRegime, f: FilterFacts, on: date) -> tuple[bool, FilterRule, date | None]:
    rule = next((r for r in regime.rules if _holds(r.when, f, on)), None)
    if rule is None:
        raise ValueError(f"filtering regime {regime.id} has no rule for record {f.record.id}")
    protected, since = _decide(rule, f, on)
    return protected, rule, since


def protection(regime: FilterRegime, f: FilterFacts, on: date) -> Protection:
    protected, rule, since = _protected_on(regime, f, on)
    if isinstance(rule.then, str):
        text = f"{rule.title}: {'protected' if protected else 'not protected'}"
    else:
        text = f"{rule.title}: protected from {since}" + ("" if protected else " (not yet)")
    reason = Reason("filter", text, rule.id, rule.source)
    return Protection(protected, rule.id, reason, None if protected else _first_protected(regime, f, on, since))


def _first_protected(regime: FilterRegime, f: FilterFacts, on: date, since: date | None) -> date | None:
    """The first later day, within this regime, on which the record becomes protected."""
    day = on
    while True:
        later = [d for d in (since, f.spent_on.day) if d is not None and d > day]
        if not later:
            return None
        day = min(later)
        if not regime.in_force.covers(day):
            return None
        protected, _, since = _protected_on(regime, f, day)
        if protected:
            return day
