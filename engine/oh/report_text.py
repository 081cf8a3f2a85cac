"""The clinician's occupational-health report as text for people (`fairchance oh report`); `--json` keeps the raw
section. Clinical: for the occupational-health clinician only."""

from __future__ import annotations

from typing import Any

from engine.case.dates import uk_date
from engine.oh.adjustments import OhCatalogue, outcome_label


def _adjustment_lines(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for a in items:
        r = a["reasonableness"]
        out += [f"  - {a['manager']} ({a['source']})",
                f"    effective: {r['effectiveness']}; practicable: {r['practicability']}; cost: {r['cost']}; "
                f"disruption: {r['disruption']}; effect on others: {r['effect_on_others']}"]
    return out


def _assessment_lines(section: dict[str, Any], c: OhCatalogue) -> list[str]:
    done = section.get("assessment")
    if not done:
        return ["Assessed: no OH assessment recorded yet"]
    lines = [f"Assessed on {uk_date(done['assessed_on'])} by {done['assessed_by']}"]
    if section.get("recorded_outcome"):
        lines.append(f"Outcome recorded by the clinician: {outcome_label(c, section['recorded_outcome'])}"
                     + (" (differs from the rules' outcome: the clinician's outcome goes to the manager)"
                        if section.get("outcome_differs") else ""))
    return lines


def oh_report_text(case_id: str, section: dict[str, Any], need_titles: dict[str, str], c: OhCatalogue) -> str:
    lines = [f"Occupational health report for {case_id} (clinical: for the occupational-health clinician only)", "",
             *_assessment_lines(section, c),
             f"Outcome from the rules: {outcome_label(c, section['outcome'])}",
             f"Disability: {section['disability_opinion_text']}"]
    if section["functional_needs"]:
        lines += ["", "Functional needs:"]
        lines += [f"  - {need_titles.get(n, n.replace('_', ' '))}" for n in section["functional_needs"]]
    if section["adjustments"]:
        lines += ["", "Adjustments to discuss:"] + _adjustment_lines(section["adjustments"])
    if section["peer_arrangements"]:
        lines += ["", "Peer arrangements:"] + _adjustment_lines(section["peer_arrangements"])
    if section.get("induction_arrangements"):
        lines += ["", "Induction:"] + _adjustment_lines(section["induction_arrangements"])
    if section.get("interview_adjustments"):
        lines += ["", "At interview (offered to every candidate, before any offer; not in the manager's summary):"]
        lines += [f"  - {a['manager']}" for a in section["interview_adjustments"]]
    if section["phased_return"]:
        phased = section["phased_return"]
        lines += ["", f"Phased return: {phased['weeks']} weeks, {phased['pattern']}"]
    if section["permitted_work"]:
        lines += ["", f"Permitted work: {section['permitted_work']['manager']}"]
    if section["review_on"]:
        lines += ["", f"Review on {uk_date(section['review_on'])}"]
    if section["findings"]:
        lines += ["", "Why:"]
        lines += [f"  - {f['text'] or f['title']} [{'; '.join(f['source'])}]" for f in section["findings"]]
    return "\n".join(lines) + "\n"
