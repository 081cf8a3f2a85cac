"""Occupational health: the full OH case, the outcome and adjustments to record, and the manager's
summary and the passport to download. Clinical detail is fetched only through access.oh_case."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from panel_ui import session
from panel_ui.health import show_health
from panel_ui.tables import as_date, day, grid
from panel_ui.text import plain

from engine.services import access

user = session.signed_in()
st.title("Occupational health")
try:
    cases = access.oh_queue(session.store(), user)
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()

grid([{"case": c["case_id"], "role": c["role"], "due": as_date(c["due"]), "status": c["status"],
       "OH outcome recorded": c["oh_recorded"]} for c in cases], empty="No cases yet.")
choices_words = access.oh_choices(session.rules())["outcomes"]
case_id = st.selectbox("Case", [c["case_id"] for c in cases], key="oh_case_pick")
if case_id is None:
    st.stop()
cached = st.session_state.get("oh_cache")
if cached is None or cached["case_id"] != case_id:
    cached = access.oh_case(session.store(), session.rules(), user, case_id)   # logged as a health view
    st.session_state["oh_cache"] = cached
data = cached
st.caption(plain(f"{case_id} · {data['role']['title']} · team {data['role']['team'] or 'not given'}"))

st.subheader("Health and functional needs")
health = data["health"]
if health:
    show_health(health, {n: need.title for n, need in session.rules().tables.needs.items()})
else:
    st.write("No health information on the case.")
for a in data.get("accounts", []):
    st.markdown(f"**Applicant's account ({plain(a['record'])})**: {plain(a['account'])}")

section = data["occupational_health"]
if section:
    st.subheader(f"Engine's OH outcome: {section['outcome'].replace('_', ' ')}")   # a vocabulary word
    st.markdown(plain(section["disability_opinion_text"]))
    rows = [{"adjustment": a["manager"], "named by": a["named_by"], "source": a["source"],
             **{k.replace("_", " "): v for k, v in a["reasonableness"].items()}}
            for a in section["adjustments"] + section["peer_arrangements"]]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    if section["phased_return"]:
        st.markdown(plain(f"Phased return: {section['phased_return']['weeks']} weeks, "
                          f"{section['phased_return']['pattern']}"))
    with st.expander("OH findings"):
        st.dataframe(pd.DataFrame([{"rule": f["rule"], "finding": f["title"], "source": "; ".join(f["source"])}
                                   for f in section["findings"]]), hide_index=True)

st.subheader("Recorded outcomes")
if data["recorded"]:
    recorded = [{**r, "outcome": choices_words.get(r["outcome"], r["outcome"]),
                 "review_on": day(r["review_on"]), "recorded_at": day(r["recorded_at"])} for r in data["recorded"]]
    st.dataframe(pd.DataFrame(recorded).rename(columns={
        "outcome": "Outcome", "outcome_text": "For the manager", "adjustments": "Adjustments", "review_on": "Review on",
        "clinician": "Clinician", "recorded_at": "Recorded", "note": "Clinical note", "status": "Status",
        "why_replacing": "Why it replaced the earlier one"}), hide_index=True)
else:
    st.write("No OH outcome recorded yet.")

if st.session_state.pop("oh_saved", False):
    st.success("OH outcome recorded.")
if data["evaluation_id"] is not None:
    choices = access.oh_choices(session.rules())
    engine_adjustments = [a["id"] for a in section["adjustments"] + section["peer_arrangements"]
                          if a["id"] in choices["adjustments"]]
    with st.form("oh_outcome"):
        outcome = st.selectbox("Outcome", list(choices["outcomes"]), format_func=lambda o: choices["outcomes"][o],
                               index=list(choices["outcomes"]).index(section["outcome"]), key="oh_outcome")
        adjustments = st.multiselect("Adjustments agreed", list(choices["adjustments"]), default=engine_adjustments,
                                     format_func=lambda a: choices["adjustments"][a], key="oh_adjustments")
        review_on = st.date_input("Review on", value=None, min_value=dt.date(2000, 1, 1), key="oh_review")
        note = st.text_area("Clinical note (seen by occupational health only)", key="oh_note")
        replacing = None
        if data["recorded"]:
            replacing = st.text_area("Why this outcome replaces the one recorded before (the earlier one is kept, "
                                     "marked as replaced)", key="oh_replacing")
        if st.form_submit_button("Record the OH outcome"):
            try:
                access.record_oh_outcome(session.store(), session.rules(), user, data["evaluation_id"], outcome,
                                         adjustments, review_on, note, supersede_reason=replacing)
            except access.AccessDenied as exc:
                session.refused(exc)
            except ValueError as exc:
                st.error(plain(f"Not recorded: {exc}"))
            else:
                st.session_state.pop("oh_cache", None)
                st.session_state["oh_saved"] = True
                st.rerun()

if data["summary"]:
    st.subheader("For the manager (no clinical detail)")
    st.text(f"{data['summary']['outcome']}\n" + "".join(f"- {a}\n" for a in data["summary"]["adjustments"]))
    left, right = st.columns(2)
    left.download_button("Download the manager's summary", data["summary_html"], f"{case_id}-oh-summary.html",
                         "text/html", key="oh_summary_download")
    right.download_button("Download the adjustment passport", data["passport_html"], f"{case_id}-passport.html",
                          "text/html", key="oh_passport_download")
