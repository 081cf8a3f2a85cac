"""Occupational health: the clinician's section of the report, the manager's summary and the passport.

The manager's summary and the passport are built only from manager-safe fields (the outcome, the
adjustments' manager wording from rules/oh/adjustments.yaml, the review date, the contact): never
from the health block, so no diagnosis, episode, medication or clinical text can reach them.
"""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from pathlib import Path as FsPath
from string import Template
from typing import Any

from engine.dates import add_months
from engine.legal.tables import Strict
from engine.oh_parameters import OhParameters, load_oh_parameters
from engine.rules.book import RuleBook
from engine.wording import load_words_file

ADJUSTMENTS_FILE = "oh/adjustments.yaml"
# The peer arrangements that bring the permitted-work figures into the views.
BENEFITS_ARRANGEMENTS = ("benefits_advice", "benefits_advice_before_hours_over_limit")


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


class OhCatalogue(Strict):
    version: int
    contact: str
    manager_outcomes: dict[str, str]
    disability_opinions: dict[str, str]
    phased_return_patterns: dict[str, str]
    permitted_work: PermittedWorkWords
    adjustments: dict[str, Adjustment]
    parameters: OhParameters | None = None   # from rules/oh/parameters.yaml, set by the loader


def load_oh_catalogue(book: RuleBook, rules_dir: FsPath | None = None) -> OhCatalogue:
    """Every value the OH rules can produce must have an entry (manager words) here."""
    catalogue = load_words_file(OhCatalogue, ADJUSTMENTS_FILE, book, lambda c: {
        "adjustments": c.adjustments, "peer_arrangements": c.adjustments, "oh_outcome": c.manager_outcomes,
        "disability_opinion": c.disability_opinions, "phased_return_pattern": c.phased_return_patterns},
        "no entry for", rules_dir)
    return catalogue.model_copy(update={"parameters": load_oh_parameters(book, rules_dir)})


def _items(c: OhCatalogue, ids: list[str] | None) -> list[dict[str, Any]]:
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


def oh_section(factors: dict[str, Any], findings: list[dict[str, Any]], needs: list[str], assessed_on: str,
               c: OhCatalogue) -> dict[str, Any]:
    """The clinician's view: everything, with the findings (the full trace is in the report)."""
    months = factors.get("oh_review_after")
    weeks = factors.get("phased_return_weeks")
    on_benefits = any(a in BENEFITS_ARRANGEMENTS for a in factors.get("peer_arrangements") or [])
    return {
        "outcome": factors.get("oh_outcome"),
        "disability_opinion": factors.get("disability_opinion"),
        "disability_opinion_text": c.disability_opinions.get(factors.get("disability_opinion") or "not_assessed"),
        "functional_needs": needs,
        "adjustments": _items(c, factors.get("adjustments")),
        "peer_arrangements": _items(c, factors.get("peer_arrangements")),
        "phased_return": {"weeks": weeks, "pattern": c.phased_return_patterns[factors["phased_return_pattern"]]}
        if weeks else None,
        "permitted_work": permitted_work(date.fromisoformat(assessed_on), c) if on_benefits else None,
        "review_on": add_months(date.fromisoformat(assessed_on), int(months)).isoformat() if months else None,
        "findings": [f for f in findings if f["ruleset"].startswith("oh.")],
    }


def manager_summary(report: dict[str, Any], role_title: str | None, c: OhCatalogue) -> dict[str, Any]:
    """Outcome, adjustments, review date and who to contact: nothing clinical."""
    oh = report["occupational_health"]
    return {
        "case_id": report["case_id"],
        "role": role_title,
        "outcome": c.manager_outcomes[oh["outcome"] or "not_assessed"],
        "adjustments": [a["manager"] for a in oh["adjustments"] + oh["peer_arrangements"]],
        "phased_return": (f"{oh['phased_return']['weeks']} weeks: {oh['phased_return']['pattern']}"
                          if oh["phased_return"] else None),
        "permitted_work": oh["permitted_work"]["manager"] if oh.get("permitted_work") else None,
        "review_on": oh["review_on"],
        "contact": c.contact,
    }


def summary_text(summary: dict[str, Any]) -> str:
    lines = [f"Occupational health summary for the manager ({summary['case_id']}, {summary['role'] or 'role'})", "",
             summary["outcome"], ""]
    if summary["adjustments"]:
        lines += ["Adjustments to discuss and agree:"] + [f"  - {a}" for a in summary["adjustments"]] + [""]
    if summary["phased_return"]:
        lines += [f"Phased return: {summary['phased_return']}", ""]
    if summary["permitted_work"]:
        lines += [f"Permitted work: {summary['permitted_work']}", ""]
    if summary["review_on"]:
        lines += [f"Review on: {summary['review_on']}"]
    lines += [f"Contact: {summary['contact']}"]
    return "\n".join(lines) + "\n"


_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}"
          "td,th{border:1px solid #999;padding:.4em;text-align:left}table{border-collapse:collapse;width:100%}"
          "@media print{.noprint{display:none}}")


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n")


def _permitted_html(summary: dict[str, Any]) -> str:
    return f"<p>Permitted work: {html.escape(summary['permitted_work'])}</p>" if summary["permitted_work"] else ""


def summary_html(summary: dict[str, Any]) -> str:
    items = "".join(f"<li>{html.escape(a)}</li>" for a in summary["adjustments"])
    body = (f"<h1>Occupational health summary</h1><p>{html.escape(summary['case_id'])}, "
            f"{html.escape(summary['role'] or 'role')}</p><p><strong>{html.escape(summary['outcome'])}</strong></p>"
            + (f"<h2>Adjustments to discuss and agree</h2><ul>{items}</ul>" if items else "")
            + (f"<p>Phased return: {html.escape(summary['phased_return'])}</p>" if summary["phased_return"] else "")
            + _permitted_html(summary)
            + (f"<p>Review on: {html.escape(summary['review_on'])}</p>" if summary["review_on"] else "")
            + f"<p>Contact: {html.escape(summary['contact'])}</p>")
    return _page("Occupational health summary", body)


def passport_html(summary: dict[str, Any]) -> str:
    """An adjustment passport the person and manager keep: agreed adjustments, review date, both confirm."""
    rows = "".join(f"<tr><td>{html.escape(a)}</td><td>&#9744; agreed</td><td></td></tr>"
                   for a in summary["adjustments"]) or "<tr><td colspan=\"3\">No adjustments recorded.</td></tr>"
    sign = "".join(f"<tr><th>{who}</th><td>Name:</td><td>Signature:</td><td>Date:</td></tr>"
                   for who in ("Person", "Manager"))
    body = ("<h1>Adjustment passport</h1>"
            "<p>A record of the adjustments agreed between you and your manager. It goes with you if your manager "
            "changes. Review it together at least every six months, or sooner if anything changes.</p>"
            f"<p>Reference: {html.escape(summary['case_id'])}. Role: {html.escape(summary['role'] or '')}.</p>"
            f"<table><tr><th>Adjustment</th><th>Agreed</th><th>Notes</th></tr>{rows}</table>"
            + (f"<p>Phased return: {html.escape(summary['phased_return'])}</p>" if summary["phased_return"] else "")
            + _permitted_html(summary)
            + f"<p>Review date: {html.escape(summary['review_on'] or 'to agree')}</p>"
            f"<h2>Confirmed by</h2><table>{sign}</table>"
            f"<p class=\"noprint\">Print this page, or save it as PDF from the browser's print dialogue.</p>")
    return _page("Adjustment passport", body)
