"""Queue: cases by due date (the date the assessment speaks for), a page at a time, filtered in the database,
with overdue cases flagged (rules/policy/queue.yaml)."""

from __future__ import annotations

import streamlit as st
from panel_ui import pages, session
from panel_ui.tables import grid
from panel_ui.text import plain

from engine.services import access

PAGE = "q_page"
STATUS_DEFAULT = ["new", "evaluated"]


def _row(r: dict, outcomes: dict[str, str], statuses: dict[str, str]) -> dict:
    """A queue row for people: outcomes and statuses in the rules' words, the overdue flag as a phrase."""
    waiting = r["waiting_days"]
    return {"case_id": r["case_id"], "role": r["role"], "due": r["due"], "status": statuses[r["status"]],
            "Recommendation or decision": outcomes.get(r["recommendation"], "") if r["recommendation"] else "",
            "Waiting since arrival": "" if waiting is None else f"{waiting} day{'s' if waiting != 1 else ''}",
            "Overdue": "Overdue" if r["overdue"] else ""}


def _filters(outcomes: dict[str, str], statuses: dict[str, str]) -> access.QueueQuery:
    left, middle, right = st.columns([3, 3, 2])
    chosen_status = left.multiselect("Status", list(statuses), default=STATUS_DEFAULT, format_func=statuses.get,
                                     key="q_status", on_change=pages.first_page, args=(PAGE,))
    chosen = middle.multiselect("Recommendation or decision", list(outcomes), format_func=outcomes.get,
                                key="q_outcome", on_change=pages.first_page, args=(PAGE,))
    text = right.text_input("Case or role contains", key="q_text", on_change=pages.first_page, args=(PAGE,))
    overdue_only = st.checkbox("Only overdue cases", key="q_overdue", on_change=pages.first_page, args=(PAGE,))
    return access.QueueQuery(statuses=tuple(chosen_status), outcomes=tuple(chosen), text=text,
                             overdue_only=overdue_only, page=pages.current(PAGE))


def _fetch(user, query: access.QueueQuery) -> dict:
    found = access.queue(session.store(), user, query)
    if pages.clamp(PAGE, found["pages"]):       # the filter left fewer pages than the one asked for
        found = access.queue(session.store(), user, query.model_copy(update={"page": pages.current(PAGE)}))
    return found


def _caption(found: dict) -> str:
    if not found["matching"]:
        return f"No cases match, of {found['total']:,}."
    first = (found["page"] - 1) * found["page_size"] + 1
    last = min(found["matching"], found["page"] * found["page_size"])
    return (f"Cases {first:,} to {last:,} of {found['matching']:,} matching ({found['total']:,} in all), "
            f"by due date; page {found['page']:,} of {found['pages']:,}")


user = session.signed_in()
st.title("Queue")
try:
    outcome_names, status_names = access.outcome_words(session.rules()), access.status_words()
    found = _fetch(user, _filters(outcome_names, status_names))
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()

if found["overdue"]:
    hint = "" if st.session_state.get("q_overdue") else ' Tick "Only overdue cases" to list them.'
    st.warning(f"{found['overdue']:,} case{'s are' if found['overdue'] != 1 else ' is'} overdue: no decision "
               f"{found['overdue_days']} days after arriving.{hint}")
st.caption(_caption(found))
grid([_row(r, outcome_names, status_names) for r in found["rows"]], key="q_grid", whole=True,
     empty="No cases match: change the status, recommendation, text or overdue filter.")
pages.controls(PAGE, found["pages"], "cases")

if found["rows"]:
    pick = st.selectbox("Open a case from this page", [r["case_id"] for r in found["rows"]], key="q_pick")
    if st.button("Open case review", key="q_open"):
        st.session_state["case_id"] = pick
        st.switch_page("views/case_review.py")
    st.caption(plain("The case review opens the case chosen here; the Case review and Decision pages also "
                     "find a case by its id."))
