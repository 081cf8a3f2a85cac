"""The adjustments catalogue (rules/oh/adjustments.yaml) with the OH parameters, and the permitted-work
figures in force on a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path as FsPath
from string import Template
from typing import Any

from engine.legal.tables import Strict
from engine.oh.parameters import OhParameters, load_oh_parameters
from engine.rules.book import RuleBook
from engine.rules.words import load_words_file

ADJUSTMENTS_FILE = "oh/adjustments.yaml"


class Reasonableness(Strict):
    effectiveness: str
    practicability: str
    cost: str
    disruption: str
    resources: str
    outside_help: str
    effect_on_others: str


class Adjustment(Strict):
    manager: str
    named_by: str
    source: str
    reasonableness: Reasonableness


class PermittedWorkWords(Strict):
    """What the manager reads about permitted work: $hours and $cap are filled from rules/oh/parameters.yaml."""

    figures: str
    no_cap: str
    assumed: str
    # The neutral line the manager's summary carries; the figures are the clinician's. Optional so that
    # rules snapshots kept before it existed still load for replay (the report itself never holds it).
    manager: str | None = None


class ManagerMaySee(Strict):
    fields: list[str]
    source: str


class OhCatalogue(Strict):
    version: int
    contact: str
    manager_may_see: ManagerMaySee | None = None   # optional for older rules snapshots (replay)
    manager_outcomes: dict[str, str]
    outcome_labels: dict[str, str] | None = None   # optional for older rules snapshots (replay)
    release_status: dict[str, str] | None = None   # likewise
    disability_opinions: dict[str, str]
    phased_return_patterns: dict[str, str]
    permitted_work: PermittedWorkWords
    adjustments: dict[str, Adjustment]
    parameters: OhParameters | None = None   # from rules/oh/parameters.yaml, set by the loader


def load_oh_catalogue(book: RuleBook, rules_dir: FsPath | None = None) -> OhCatalogue:
    """Every value the OH rules can produce must have an entry (manager words) here."""
    catalogue = load_words_file(OhCatalogue, ADJUSTMENTS_FILE, book, lambda c: {
        "adjustments": c.adjustments, "peer_arrangements": c.adjustments, "induction_arrangements": c.adjustments,
        "interview_adjustments": c.adjustments, "oh_outcome": c.manager_outcomes,
        "disability_opinion": c.disability_opinions, "phased_return_pattern": c.phased_return_patterns},
        "no entry for", rules_dir)
    return catalogue.model_copy(update={"parameters": load_oh_parameters(book, rules_dir)})


def outcome_label(c: OhCatalogue, outcome: str | None) -> str:
    """The short name of an OH outcome for screens and reports."""
    word = outcome or "not_assessed"
    return (c.outcome_labels or {}).get(word) or word.replace("_", " ").capitalize()


def items(c: OhCatalogue, ids: list[str] | None) -> list[dict[str, Any]]:
    return [{"id": i, "manager": c.adjustments[i].manager, "named_by": c.adjustments[i].named_by,
             "source": c.adjustments[i].source, "reasonableness": c.adjustments[i].reasonableness.model_dump()}
            for i in ids or []]


def _figure(value: Decimal) -> str:
    return f"{value:.2f}" if value != value.to_integral_value() else f"{value:.0f}"


def permitted_work(day: date, c: OhCatalogue) -> dict[str, Any]:
    """The permitted-work figures in force on the day, with their sources and whether each is assumed."""
    figures = {}
    for name in ("permitted_work_hours_limit", "permitted_work_earnings_cap"):
        value = getattr(c.parameters.parameters, name).on(day)
        figures[name] = None if value is None else {
            "value": _figure(value.value), "in_force_from": value.in_force.from_.isoformat(),
            "assumed": value.assumed, "source": value.source}
    hours, cap = figures["permitted_work_hours_limit"], figures["permitted_work_earnings_cap"]
    words = c.permitted_work
    text = Template(words.figures if cap else words.no_cap).substitute(
        hours=hours["value"] if hours else "?", cap=cap["value"] if cap else "")
    if any(f and f["assumed"] for f in figures.values()):
        text += " " + words.assumed
    return {**figures, "manager": text}
