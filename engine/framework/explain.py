"""Plain-language explanations from a report: a few sentences for the panel, a letter for the applicant.

The words come from rules/framework/wording.yaml. The panel text names what was considered, what
was set aside and why, the factors that drove the outcome and the safeguards (the full trace is in
the report). The letter has no rule ids, no legal jargon and no clinical detail.
"""

from __future__ import annotations

from datetime import date
from string import Template
from typing import Any

from engine.case.dates import whole_months_between
from engine.case.model import Case
from engine.framework.wording import Wording


def _say(template: str, **values: Any) -> str:
    return Template(template).substitute({k: str(v) for k, v in values.items()})


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _record_label(case: Case, rid: str) -> tuple[str, str]:
    record = next(r for r in case.records if r.id == rid)
    return (record.offence or record.offence_category or record.kind).strip(), str(record.date.year)


def _factors(w: Wording, factors: dict[str, Any]) -> str:
    parts = [w.factors[name][value] for name in ("seriousness", "recency", "age_at_time", "illness_link", "disclosure")
             if (value := factors.get(name)) is not None]
    duties = factors.get("relevant_to")
    parts.append(_say(w.panel.relevant, duties=_join([w.factors["relevant_to"][d] for d in duties]))
                 if duties else w.panel.not_relevant)
    return ", ".join(parts)


def _months_text(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((years, "year"), (rest, "month")) if n]
    return " and ".join(parts) or "less than a month"


def _set_aside(w: Wording, record: dict[str, Any]) -> str | None:
    if record["considered"] is True:
        return None
    if record["considered"] is None:
        return w.set_aside.undecided
    return w.set_aside.protected if record["protected"] else w.set_aside.spent_not_exempt


def panel_explanation(report: dict[str, Any], case: Case, w: Wording) -> list[str]:
    rec, factors = report["recommendation"], report["factors"]
    considered = [r for r in report["records"] if r["considered"] is True]
    lines = [_say(w.panel.counts, total=len(report["records"]), considered=len(considered))]
    for r in report["records"]:
        offence, year = _record_label(case, r["id"])
        aside = _set_aside(w, r)
        if aside:
            lines.append(f"{r['id']} ({offence}, {year}) {aside}.")
        else:
            lines.append(_say(w.panel.considered_record, record=r["id"], offence=offence, year=year,
                              factors=_factors(w, r["factors"])))
    if not rec["outcome"]:
        return [*lines, _say(w.panel.no_framework, on=report["assessed_on"])]
    if considered:
        lines.append(_say(w.panel.pattern, pattern=w.factors["pattern"][factors["pattern"]],
                          span=_months_text(whole_months_between(
                              date.fromisoformat(considered[0]["date"]), date.fromisoformat(considered[-1]["date"]))),
                          trajectory=w.factors["trajectory"][factors["trajectory"]],
                          change=w.factors["change_since"][factors["change_since"]],
                          plan=w.factors["plan"][factors["plan"]]))
    lines.append(w.outcomes[rec["outcome"]].panel)
    lines.append(_say(w.panel.because, reason=rec["because"]))
    if rec["safeguards"]:
        lines.append(_say(w.panel.safeguards, safeguards=_join([w.safeguards[s] for s in rec["safeguards"]]),
                          review_on=rec["review_on"]))
    if rec["discuss_before_withdrawal"]:
        lines.append(w.panel.code_of_practice)
    if rec["needs_information"]:
        lines.append(_say(w.panel.needs, needs="; ".join(rec["needs_information"])))
    return lines


def applicant_letter(report: dict[str, Any], case: Case, w: Wording) -> str:
    rec, a = report["recommendation"], w.applicant
    paragraphs = [_say(a.greeting, ref=case.applicant.ref or case.case_id),
                  _say(a.opening, role=case.role.title or "the role"), a.not_a_bar]
    if any(r["considered"] is False for r in report["records"]):
        paragraphs.append(a.set_aside)
    if rec["outcome"]:
        paragraphs.append(w.outcomes[rec["outcome"]].applicant)
    if rec["outcome"] == "appoint_with_safeguards" and rec["safeguards"]:
        paragraphs.append(_say(a.safeguards, safeguards=_join([w.safeguards[s] for s in rec["safeguards"]]),
                               review_on=rec["review_on"]))
    if rec["outcome"] in ("refer_to_panel", "appoint_with_safeguards", "cannot_appoint"):
        paragraphs.append(a.evidence)
    paragraphs += [a.closing, a.sign_off]
    return "\n\n".join(paragraphs) + "\n"
