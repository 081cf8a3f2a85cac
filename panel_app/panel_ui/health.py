"""The health block of a case in a clinician's words (never a JSON tree): episodes as a table, the plan and
the needs in sentences, the rest as what was recorded."""

from __future__ import annotations

from typing import Any

import streamlit as st

from panel_ui.tables import day, table

LINKED_BY = {"applicant": "the applicant", "clinician": "a clinician", "both": "the applicant and a clinician"}


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not recorded"}[value]


def _count(n: int | None, unit: str) -> str:
    return f"{unit}s not recorded" if n is None else f"{n} {unit}{'' if n == 1 else 's'}"


def _plan(plan: dict[str, Any] | None) -> str:
    if not plan or not plan.get("exists"):
        return "No current wellbeing or recovery plan."
    reviewed = f", last reviewed {day(plan['reviewed_on'])}" if plan.get("reviewed_on") else ""
    return (f"A wellbeing or recovery plan exists{reviewed}. It names triggers: {_yes(plan.get('names_triggers'))}; "
            f"early-warning signs: {_yes(plan.get('early_warning_signs'))}.")


def assessment_line(health: dict[str, Any]) -> str:
    done = health.get("oh_assessment")
    if not done:
        return "No occupational-health assessment is recorded on the case file yet."
    return f"Assessed by occupational health on {day(done['assessed_on'])} by {done['assessed_by']}."


def _care_rows(health: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    if health.get("own_care_team"):
        rows.append({"what": "Team providing the person's own care", "recorded": health["own_care_team"]})
    for former in health.get("former_care_teams") or []:
        rows.append({"what": "Team that provided the person's care before",
                     "recorded": f"{former['team']}, until {day(former['care_ended_on'])}"})
    return rows


def _recorded(health: dict[str, Any]) -> list[dict[str, str]]:
    rows = _care_rows(health)
    if health.get("out_of_work_since"):
        rows.append({"what": "Out of paid work since", "recorded": day(health["out_of_work_since"])})
    note = health.get("fit_note")
    if note:
        advice = ", ".join(a.replace("_", " ") for a in note.get("advice") or []) or "no advice given"
        until = f" until {day(note['until'])}" if note.get("until") else ", no end date"
        rows.append({"what": "Fit note", "recorded": f"{note['status'].replace('_', ' ')}{until}; {advice}"})
    absence = health.get("absence")
    if absence:
        rows.append({"what": "Sickness absence, last 12 months",
                     "recorded": f"{_count(absence.get('days_12_months'), 'day')}, "
                                 f"{_count(absence.get('occasions_12_months'), 'occasion')}"})
    for key, label in (("hours_wanted", "Hours a week wanted"), ("on_benefits", "Receives benefits"),
                       ("returning_after_illness", "Returning after a period of illness"),
                       ("restraint_opt_out", "Asks not to take part in physical restraint")):
        if health.get(key) is not None:
            value = health[key]
            rows.append({"what": label, "recorded": _yes(value) if isinstance(value, bool) else str(value)})
    return rows


def show_health(health: dict[str, Any], need_titles: dict[str, str]) -> None:
    st.text(assessment_line(health))
    episodes = [{"episode": e["id"], "from": day(e["start"]), "to": day(e.get("end")) or "continuing",
                 "summary": e.get("summary") or "", "linked records": ", ".join(e.get("linked_records") or []),
                 "linked by": LINKED_BY.get(e.get("linked_by"), "")} for e in health.get("illness_episodes") or []]
    table(episodes, {"episode": "Episode", "from": "From", "to": "To", "summary": "Summary",
                     "linked records": "Records linked", "linked by": "Linked by"},
          empty="No illness episodes recorded.")
    st.text(_plan(health.get("wellbeing_plan")))
    needs = health.get("functional_needs") or []
    st.text("Functional needs: " + ("; ".join(need_titles.get(n, n.replace("_", " ")) for n in needs)
                                    if needs else "none recorded."))
    table(_recorded(health), {"what": "What", "recorded": "Recorded"}, empty="Nothing else recorded.")
