"""Choosing a case and fetching its review once per visit (each fetch is written to the access log)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.services import access
from panel_ui import session

CACHE = "review_cache"


CHOICES = 50     # cases a chooser offers at a time: the store is never read whole to fill a list


def choose_case(user, label: str = "Case") -> str | None:
    """A case to open: the one chosen in the queue, or one found by part of its id or role (in the database)."""
    current = st.session_state.get("case_id")
    find = st.text_input("Find a case by part of its id or role", key="case_find")
    found = access.case_choices(session.store(), user, find, current, CHOICES)
    cases = found["ids"]
    if not cases:
        st.info("No cases match." if find else "No cases yet.")
        return None
    if found["matching"] > CHOICES:
        st.caption(f"The first {CHOICES} of {found['matching']:,} cases by due date; type more of the id to find "
                   f"another.")
    index = cases.index(current) if current in cases else 0
    picked = st.selectbox(label, cases, index=index, key="case_pick")
    st.session_state["case_id"] = picked
    return picked


def review(user, case_id: str) -> dict[str, Any]:
    """The case review, fetched (and logged) when a case is opened, not on every widget change."""
    cached = st.session_state.get(CACHE)
    if cached is None or cached["case_id"] != case_id:
        cached = access.case_review(session.store(), session.rules(), user, case_id)
        st.session_state[CACHE] = cached
    return cached


def open_case(user) -> dict[str, Any]:
    """The chosen case's review, or the page stops: no case yet, or the role is refused."""
    try:
        case_id = choose_case(user)
        if case_id is None:
            st.stop()
        return review(user, case_id)
    except access.AccessDenied as exc:
        session.refused(exc)
        st.stop()


def forget() -> None:
    """After a write, so that the next view shows it."""
    st.session_state.pop(CACHE, None)


def words(value: Any) -> str:
    return str(value).replace("_", " ") if value is not None else "undecided"
