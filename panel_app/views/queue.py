"""Queue: cases by status and due date (the date the assessment speaks for), with filters."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from panel_ui import session
from panel_ui.tables import grid, words

from engine.services import access

user = session.signed_in()
st.title("Queue")
try:
    rows = access.queue(session.store(), user)
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()

frame = pd.DataFrame(rows, columns=["case_id", "role", "due", "status", "recommendation", "version", "submitted",
                                    "decided"])
left, middle, right = st.columns(3)
statuses = left.multiselect("Status", ["new", "evaluated", "decided"], default=["new", "evaluated"], key="q_status")
outcomes = sorted(o for o in frame["recommendation"].dropna().unique())
chosen = middle.multiselect("Recommendation", outcomes, format_func=words, key="q_outcome")
text = right.text_input("Case or role contains", key="q_text")

shown = frame[frame["status"].isin(statuses)] if statuses else frame
if chosen:
    shown = shown[shown["recommendation"].isin(chosen)]
if text:
    needle = text.lower()
    shown = shown[shown["case_id"].str.lower().str.contains(needle, regex=False)
                  | shown["role"].fillna("").str.lower().str.contains(needle, regex=False)]
st.caption(f"{len(shown)} of {len(frame)} cases, by due date")
grid(shown, empty="No cases match: change the status, recommendation or text filter.")

if len(shown):
    pick = st.selectbox("Open a case", shown["case_id"].tolist(), key="q_pick")
    if st.button("Open case review", key="q_open"):
        st.session_state["case_id"] = pick
        st.switch_page("views/case_review.py")
