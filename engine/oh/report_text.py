"""The clinician's occupational-health report as text for people (`fairchance oh report`); `--json` keeps the raw
section. Clinical: for the occupational-health clinician only."""

from __future__ import annotations

from typing import Any

from engine.case.dates import uk_date


def _label(code: str | None) -> str:
    return (code or "not assessed").replace("_", " ").capitalize()


def _adjustment_lines(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for a in items:
        r = a["reasonableness"]
        out += [f"  - {a['manager']} ({a['source']})",
                f"    effective: {r['effectiveness']}; practicable: {r['practicability']}; cost: {r['cost']}; "
                f"disruption: {r['disruption']}; effect on others: {r['effect_on_others']}"]
    return out


def oh_report_text(case_id: str, section: dict[str, Any], need_titles: dict[str, str]) -> str:
    lines = [f"Occupational health report for {case_id} (clinical: for the occupational-health clinician only)", "",
             f"Outcome: {_label(section['outcome'])}", f"Disability: {section['disability_opinion_text']}"]
    if section["functional_needs"]:
        lines += ["", "Functional needs:"]
        lines += [f"  - {need_titles.get(n, _label(n))}" for n in section["functional_needs"]]
    if section["adjustments"]:
        lines += ["", "Adjustments to discuss:"] + _adjustment_lines(section["adjustments"])
    if section["peer_arrangements"]:
        lines += ["", "Peer arrangements:"] + _adjustment_lines(section["peer_arrangements"])
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
