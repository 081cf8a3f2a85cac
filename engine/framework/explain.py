"""Plain-language explanations from a report: a few sentences for the panel, a letter for the applicant.

The words come from rules/framework/wording.yaml. The panel text names what was considered, what
was set aside and why, the factors that drove the outcome and the safeguards (the full trace is in
the report). The letter has no rule ids, no legal jargon and no clinical detail.
"""

from __future__ import annotations

from datetime import date
from string import Template
from typing import Any

from engine.case.dates import uk_date, whole_months_between
from engine.case.model import Case
from engine.framework.wording import Wording


def _say(template: str, **values: Any) -> str:
    return Template(template).substitute({k: str(v) for k, v in values.items()})


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _list(items: list[str]) -> str:
    """Items that may hold commas themselves, one after another."""
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def _record_label(case: Case, rid: str) -> tuple[str, str]:
    record = next(r for r in case.records if r.id == rid)
    return (record.offence or record.offence_category or record.kind).strip(), str(record.date.year)


def _factors(w: Wording, factors: dict[str, Any]) -> str:
    parts = [w.factors[name][value] for name in ("seriousness", "recency", "age_at_time", "illness_link", "disclosure")
             if (value := factors.get(name)) is not None]
    duties = factors.get("relevant_to")
    parts.append(_say(w.panel.relevant, duties=_join([w.factors["relevant_to"][d] for d in duties]))
                 if duties else w.panel.not_relevant)
    if factors.get("concern") is not None:
        parts.append(w.factors["concern"][factors["concern"]])
    return ", ".join(parts)


def _months_text(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((years, "year"), (rest, "month")) if n]
    return " and ".join(parts) or "less than a month"


def _records_phrase(count: int) -> str:
    return "1 record is" if count == 1 else f"{count} records are"


def _set_aside(w: Wording, records: list[dict[str, Any]]) -> list[str]:
    """Records that may not be considered, as a count and a reason class only: never by offence or date."""
    not_allowed = sum(1 for r in records if r["considered"] is False)
    undecided = sum(1 for r in records if r["considered"] is None)
    return ([_say(w.set_aside.not_allowed, records=_records_phrase(not_allowed))] if not_allowed else []) + \
           ([_say(w.set_aside.undecided, records=_records_phrase(undecided))] if undecided else [])


def _illness_lines(w: Wording, considered: list[dict[str, Any]], factors: dict[str, Any]) -> list[str]:
    lines = []
    for r in considered:
        link = r["factors"].get("illness_link")
        if link == "possible":
            lines.append(_say(w.panel.possible_link, record=r["id"]))
        elif link == "stated":
            words = w.panel.link_with_plan if factors.get("plan") == "names_triggers" else w.panel.link_without_plan
            lines.append(_say(words, record=r["id"]))
    return lines


def _certificate_lines(w: Wording, report: dict[str, Any], case: Case) -> list[str]:
    lines = []
    certificate = case.certificate
    if certificate is not None:
        regulated = set(case.role.regulated_activity)
        other = sorted(g for g, barred in certificate.barred.items() if barred is True and g not in regulated)
        if other:
            lines.append(_say(w.panel.barred_other_group, groups=_join(other)))
        if certificate.police_information is True:
            lines.append(w.panel.police_information)
    for name in ("adults_list_check", "children_list_check"):
        value = report["factors"].get(name)
        if value in ("not_checked", "checked_without_regulated_activity"):
            lines.append(_say(w.panel.check_warning, warning=w.factors[name][value]))
    return lines


def panel_explanation(report: dict[str, Any], case: Case, w: Wording) -> list[str]:
    rec, factors = report["recommendation"], report["factors"]
    considered = [r for r in report["records"] if r["considered"] is True]
    total = len(report["records"])
    lines = [_say(w.panel.counts, total=f"{total} record{'s' if total != 1 else ''}", considered=len(considered))]
    lines += _set_aside(w, report["records"])
    for r in considered:
        offence, year = _record_label(case, r["id"])
        lines.append(_say(w.panel.considered_record, record=r["id"], offence=offence, year=year,
                          factors=_factors(w, r["factors"])))
    if not rec["outcome"]:
        return [*lines, _say(w.panel.no_framework, on=uk_date(report["assessed_on"]))]
    lines += _certificate_lines(w, report, case)
    if considered:
        lines.append(_say(w.panel.pattern, pattern=w.factors["pattern"][factors["pattern"]],
                          span=_months_text(whole_months_between(
                              date.fromisoformat(considered[0]["date"]), date.fromisoformat(considered[-1]["date"]))),
                          trajectory=w.factors["trajectory"][factors["trajectory"]],
                          change=w.factors["change_since"][factors["change_since"]],
                          plan=w.factors["plan"][factors["plan"]]))
        lines += _illness_lines(w, considered, factors)
    lines.append(w.outcomes[rec["outcome"]].panel)
    lines.append(_say(w.panel.because, reason=rec["because"]))
    if rec["safeguards"]:
        lines.append(_say(w.panel.safeguards, safeguards=_list([w.safeguards[s] for s in rec["safeguards"]]),
                          review_on=uk_date(rec["review_on"])))
    if rec["restrictions_to_discuss"]:
        lines.append(_say(w.panel.restrictions, restrictions=_join(
            [w.factors["restrictions_to_discuss"][x] for x in rec["restrictions_to_discuss"]])))
    if rec["discuss_before_withdrawal"]:
        lines.append(w.panel.code_of_practice)
    if rec["needs_information"]:
        lines.append(_say(w.panel.needs, needs="; ".join(rec["needs_information"])))
    return lines


def applicant_letter(report: dict[str, Any], case: Case, w: Wording) -> str:
    rec, a = report["recommendation"], w.applicant
    paragraphs = [_say(a.greeting, ref=case.applicant.ref or case.case_id),
                  _say(a.opening, role=case.role.title or "the role"), a.not_a_bar]
    paragraphs.append(a.set_aside)   # the same for everyone, so it never tells the reader something was set aside
    if rec["outcome"]:
        paragraphs.append(w.outcomes[rec["outcome"]].applicant)
    if rec["outcome"] == "appoint_with_safeguards" and rec["safeguards"]:
        paragraphs.append(_say(a.safeguards, safeguards=_list([w.safeguards[s] for s in rec["safeguards"]]),
                               review_on=uk_date(rec["review_on"])))
    if rec["outcome"] in ("refer_to_panel", "appoint_with_safeguards", "cannot_appoint"):
        paragraphs.append(a.evidence)
    paragraphs += [a.closing, a.sign_off]
    return "\n\n".join(paragraphs) + "\n"
