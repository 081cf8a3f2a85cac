"""Occupational health: the clinician's section of the report, the manager's summary and the passport.

The manager's summary and the passport carry only the fields rules/oh/adjustments.yaml lists under
`manager_may_see` (case id, role, outcome, adjustments, phased return, hours, review date, contact), each
built from manager wording in that file: never from the health block, so no diagnosis, episode,
medication, benefit, care arrangement or clinical text can reach them. Benefits and care-team
arrangements are said in neutral words ("hours agreed with OH", "team placement agreed with OH"); the
permitted-work figures stay in the clinician's section.
"""

from __future__ import annotations

import html
from datetime import date
from string import Template
from typing import Any

from engine.case.dates import add_months, uk_date
from engine.oh.adjustments import OhCatalogue, items, permitted_work

# Every field the summary can build; rules/oh/adjustments.yaml `manager_may_see` chooses among them (older
# rules snapshots without that list get all of them but the induction, and the neutral hours line).
MANAGER_FIELDS = ("case_id", "role", "outcome", "adjustments", "induction", "phased_return", "hours", "review_on",
                  "contact")
NO_REVIEW_DATE = "the date occupational health sets"
HOURS = "Hours agreed with OH."
# The peer arrangements that bring the permitted-work figures into the views.
BENEFITS_ARRANGEMENTS = ("benefits_advice", "benefits_advice_before_hours_over_limit")


def oh_section(factors: dict[str, Any], findings: list[dict[str, Any]], needs: list[str], assessed_on: str,
               c: OhCatalogue, assessment: dict[str, Any] | None = None) -> dict[str, Any]:
    """The clinician's view: everything, with the findings (the full trace is in the report). `assessment` is
    OH's own record (assessed on, by whom, and the outcome the clinician recorded, if any)."""
    months = factors.get("oh_review_after")
    weeks = factors.get("phased_return_weeks")
    on_benefits = any(a in BENEFITS_ARRANGEMENTS for a in factors.get("peer_arrangements") or [])
    recorded = (assessment or {}).get("outcome")
    return {
        "outcome": factors.get("oh_outcome"),
        "assessment": assessment,
        "recorded_outcome": recorded,
        "outcome_differs": recorded is not None and recorded != factors.get("oh_outcome"),
        "disability_opinion": factors.get("disability_opinion"),
        "disability_opinion_text": c.disability_opinions.get(factors.get("disability_opinion") or "not_assessed"),
        "functional_needs": needs,
        "adjustments": items(c, factors.get("adjustments")),
        "peer_arrangements": items(c, factors.get("peer_arrangements")),
        "induction_arrangements": items(c, factors.get("induction_arrangements")),
        "interview_adjustments": items(c, factors.get("interview_adjustments")),
        "phased_return": {"weeks": weeks, "pattern": c.phased_return_patterns[factors["phased_return_pattern"]]}
        if weeks else None,
        "permitted_work": permitted_work(date.fromisoformat(assessed_on), c) if on_benefits else None,
        "review_on": add_months(date.fromisoformat(assessed_on), int(months)).isoformat() if months else None,
        "findings": [f for f in findings if f["ruleset"].startswith("oh.")],
    }


def oh_outcome_words(c: OhCatalogue, outcome: str | None, review_on: str | None) -> str:
    """What the manager reads for an outcome, with the review date in words where the wording names it."""
    words = Template(c.manager_outcomes[outcome or "not_assessed"])
    return words.safe_substitute(review_on=uk_date(review_on) if review_on else NO_REVIEW_DATE)


def manager_summary(report: dict[str, Any], role_title: str | None, c: OhCatalogue) -> dict[str, Any]:
    """Outcome, adjustments, induction, hours, review date and who to contact: only the fields `manager_may_see`
    lists. The outcome is the one the clinician recorded, if any; interview-stage adjustments never appear."""
    oh = report["occupational_health"]
    adjustments = list(dict.fromkeys(a["manager"] for a in oh["adjustments"] + oh["peer_arrangements"]))
    built = {
        "case_id": report["case_id"],
        "role": role_title,
        "outcome": oh_outcome_words(c, oh.get("recorded_outcome") or oh["outcome"], oh["review_on"]),
        "adjustments": adjustments,
        "induction": [a["manager"] for a in oh.get("induction_arrangements") or []],
        "phased_return": (f"{oh['phased_return']['weeks']} weeks: {oh['phased_return']['pattern']}"
                          if oh["phased_return"] else None),
        "hours": (c.permitted_work.manager or HOURS) if oh.get("permitted_work") else None,
        "review_on": oh["review_on"],
        "contact": c.contact,
    }
    fields = c.manager_may_see.fields if c.manager_may_see else MANAGER_FIELDS
    return {k: built.get(k) for k in fields if k in MANAGER_FIELDS}


def summary_text(summary: dict[str, Any]) -> str:
    lines = [f"Occupational health summary for the manager ({summary['case_id']}, {summary['role'] or 'role'})", "",
             summary["outcome"], ""]
    if summary["adjustments"]:
        lines += ["Adjustments to discuss and agree:"] + [f"  - {a}" for a in summary["adjustments"]] + [""]
    if summary.get("induction"):
        lines += ["For the induction:"] + [f"  - {a}" for a in summary["induction"]] + [""]
    if summary["phased_return"]:
        lines += [f"Phased return: {summary['phased_return']}", ""]
    if summary.get("hours"):
        lines += [summary["hours"], ""]
    if summary["review_on"]:
        lines += [f"Review on: {uk_date(summary['review_on'])}"]
    lines += [f"Contact: {summary['contact']}"]
    return "\n".join(lines) + "\n"


_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}"
          "td,th{border:1px solid #999;padding:.4em;text-align:left}table{border-collapse:collapse;width:100%}"
          "@media print{.noprint{display:none}}")


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n")


def _hours_html(summary: dict[str, Any]) -> str:
    return f"<p>{html.escape(summary['hours'])}</p>" if summary.get("hours") else ""


def summary_html(summary: dict[str, Any]) -> str:
    items = "".join(f"<li>{html.escape(a)}</li>" for a in summary["adjustments"])
    induction = "".join(f"<li>{html.escape(a)}</li>" for a in summary.get("induction") or [])
    body = (f"<h1>Occupational health summary</h1><p>{html.escape(summary['case_id'])}, "
            f"{html.escape(summary['role'] or 'role')}</p><p><strong>{html.escape(summary['outcome'])}</strong></p>"
            + (f"<h2>Adjustments to discuss and agree</h2><ul>{items}</ul>" if items else "")
            + (f"<h2>For the induction</h2><ul>{induction}</ul>" if induction else "")
            + (f"<p>Phased return: {html.escape(summary['phased_return'])}</p>" if summary["phased_return"] else "")
            + _hours_html(summary)
            + (f"<p>Review on: {uk_date(summary['review_on'])}</p>" if summary["review_on"] else "")
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
            + _hours_html(summary)
            + f"<p>Review date: {uk_date(summary['review_on']) if summary['review_on'] else 'to agree'}</p>"
            f"<h2>Confirmed by</h2><table>{sign}</table>"
            f"<p class=\"noprint\">Print this page, or save it as PDF from the browser's print dialogue.</p>")
    return _page("Adjustment passport", body)
