"""Occupational health: the full OH case, the outcome and adjustments to record, and the release of the
manager's summary and passport (the person sees and agrees them first). Clinical detail is fetched only
through access.oh_case. Every widget's key names the case, so nothing typed for one case shows on another."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from panel_ui import session
from panel_ui.health import show_health
from panel_ui.tables import as_date, day, grid, table
from panel_ui.text import plain

from engine.services import access

SHOWN = 50      # cases listed at once: the rest are found by typing (the list is filtered in the database)

user = session.signed_in()
st.title("Occupational health")
find = st.text_input("Find a case by part of its id or role", key="oh_find")
try:
    cases = access.oh_queue(session.store(), user, text=find, limit=SHOWN)
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()

if len(cases) == SHOWN:
    st.caption(f"The first {SHOWN} cases by due date; type part of a case id or role to find others.")
grid([{"case": c["case_id"], "role": c["role"], "due": as_date(c["due"]), "status": c["status"],
       "OH outcome recorded": c["oh_recorded"]} for c in cases], empty="No cases yet.")
case_id = st.selectbox("Case", [c["case_id"] for c in cases], key="oh_case_pick")
if case_id is None:
    st.stop()
cached = st.session_state.get("oh_cache")
if cached is None or cached["case_id"] != case_id:
    cached = access.oh_case(session.store(), session.rules(), user, case_id)   # logged as a health view
    st.session_state["oh_cache"] = cached
data: dict[str, Any] = cached
choices = access.oh_choices(session.rules())
st.caption(plain(f"{case_id} · {data['role']['title']} · team {data['role']['team'] or 'not given'}"))


NAMED_BY = {"guidance": "published guidance", "seeds": "the peer-worker guidance only",
            "practice": "common practice (no source names it)"}
FACTORS = ("effectiveness", "practicability", "cost", "disruption", "outside_help", "effect_on_others")


def _items(rows: list[dict[str, Any]], heading: str) -> None:
    table([{"item": a["manager"], "named by": NAMED_BY.get(a["named_by"], a["named_by"]), "source": a["source"],
            **a["reasonableness"]} for a in rows],
          {"item": heading, "named by": "Named by", "source": "Source",
           **{k: k.replace("_", " ").capitalize() for k in FACTORS}})


def _section(section: dict[str, Any]) -> None:
    st.subheader(f"The rules suggest: {choices['outcomes'][section['outcome'] or 'not_assessed']}")
    if section.get("outcome_differs"):
        st.warning(plain(f"The case file records the clinician's outcome as "
                         f"{choices['outcomes'][section['recorded_outcome']]}; that one goes to the manager."))
    st.markdown(plain(section["disability_opinion_text"]))
    for key, heading in (("adjustments", "Adjustment to discuss"), ("peer_arrangements", "Peer arrangement"),
                         ("induction_arrangements", "Induction")):
        if section.get(key):
            _items(section[key], heading)
    if section["phased_return"]:
        st.markdown(plain(f"Phased return: {section['phased_return']['weeks']} weeks, "
                          f"{section['phased_return']['pattern']}"))
    if section.get("interview_adjustments"):
        st.caption(plain("At interview (offered to every candidate before any offer; never in the manager's "
                         "summary): " + "; ".join(a["manager"] for a in section["interview_adjustments"])))
    with st.expander("Why (the rules that applied)"):
        table([{"finding": f["text"] or f["title"], "source": "; ".join(f["source"])} for f in section["findings"]],
              {"finding": "Finding", "source": "Source"}, empty="No findings.")


def _recorded() -> None:
    st.subheader("Recorded outcomes")
    rows = [{**r, "outcome": choices["outcomes"].get(r["outcome"], r["outcome"]), "review_on": day(r["review_on"]),
             "recorded_at": day(r["recorded_at"]), "adjustments": "; ".join(r["adjustments"])}
            for r in data["recorded"]]
    table(rows, {"outcome": "Outcome", "outcome_text": "For the manager", "adjustments": "Adjustments",
                 "review_on": "Review on", "clinician": "Clinician", "recorded_at": "Recorded",
                 "note": "Clinical note", "status": "Status", "why_replacing": "Why it replaced the earlier one"},
          empty="No OH outcome recorded yet.")


def _outcome_form(section: dict[str, Any]) -> None:
    """The clinician's outcome; the engine's proposals are preselected and every catalogue item is offered."""
    proposed = [a["id"] for key in ("adjustments", "peer_arrangements", "induction_arrangements")
                for a in section.get(key) or [] if a["id"] in choices["adjustments"]]
    outcomes = list(choices["outcomes"])
    with st.form(f"oh_outcome_form_{case_id}"):
        outcome = st.selectbox("Outcome", outcomes, format_func=lambda o: choices["outcomes"][o],
                               index=outcomes.index(section["outcome"] or "not_assessed"), key=f"oh_outcome_{case_id}")
        adjustments = st.multiselect("Adjustments and arrangements agreed", list(choices["adjustments"]),
                                     default=proposed, format_func=lambda a: choices["adjustments"][a],
                                     key=f"oh_adjustments_{case_id}")
        review_on = st.date_input("Review on (dd/mm/yyyy)", value=None, min_value=dt.date.today(),
                                  max_value=dt.date.today() + dt.timedelta(days=2 * 365), format="DD/MM/YYYY",
                                  key=f"oh_review_{case_id}")
        note = st.text_area("Clinical note (seen by occupational health only)", key=f"oh_note_{case_id}")
        replacing = None
        if data["recorded"]:
            replacing = st.text_area("Why this outcome replaces the one recorded before (the earlier one is kept, "
                                     "marked as replaced)", key=f"oh_replacing_{case_id}")
        if st.form_submit_button("Record the OH outcome"):
            _act(lambda: access.record_oh_outcome(session.store(), session.rules(), user, data["evaluation_id"],
                                                  outcome, adjustments, review_on, note, supersede_reason=replacing),
                 "OH outcome recorded. Show the manager's summary to the person before it is released.")


def _act(do, done: str) -> None:
    try:
        do()
    except access.AccessDenied as exc:
        session.refused(exc)
    except ValueError as exc:
        st.error(plain(f"Not recorded: {exc}"))
    else:
        st.session_state.pop("oh_cache", None)
        st.session_state["oh_saved"] = done
        st.rerun()


def _release() -> None:
    """The person sees the summary and the passport first; only their agreement releases them to the panel."""
    release = data["release"]
    st.subheader("The person sees it first")
    st.write(plain(release["text"]))
    table([{"step": {"ready": "Shown to the person", "agreed": "The person agreed",
                     "changes_requested": "The person asked for changes"}[s["step"]],
            "note": s["note"], "at": s["at"], "by": s["by"]} for s in release["steps"]],
          {"step": "Step", "note": "What was said", "at": "When", "by": "Recorded by"},
          empty="Not yet shown to the person.")
    if release["status"] in ("not_ready", "changes_requested"):
        if st.button("Mark the summary ready to show the person", key=f"oh_ready_{case_id}"):
            _act(lambda: access.mark_oh_ready(session.store(), user, case_id), "Marked ready to show the person.")
    elif release["status"] == "ready":
        with st.form(f"oh_answer_form_{case_id}"):
            agreed = st.radio("The person's answer", ["agreed", "changes"], horizontal=True,
                              format_func=lambda a: {"agreed": "Agreed to it being shared",
                                                     "changes": "Asked for changes"}[a], key=f"oh_answer_{case_id}")
            note = st.text_area("How and when they agreed, or what they asked to change",
                                key=f"oh_answer_note_{case_id}")
            if st.form_submit_button("Record the person's answer"):
                _act(lambda: access.record_oh_answer(session.store(), user, case_id, agreed == "agreed", note),
                     "The person's answer is recorded.")


st.subheader("Health and functional needs")
if data["health"]:
    show_health(data["health"], {n: need.title for n, need in session.rules().tables.needs.items()})
else:
    st.write("No health information on the case.")
for a in data.get("accounts", []):
    st.markdown(f"**Applicant's account ({plain(a['record'])})**: {plain(a['account'])}")

if data["occupational_health"]:
    _section(data["occupational_health"])
_recorded()
if saved := st.session_state.pop("oh_saved", None):
    st.success(saved)
if data["evaluation_id"] is not None:
    _outcome_form(data["occupational_health"])
if data["release"]:
    _release()

if data["summary"] and data["recorded"]:
    st.subheader("For the manager (no clinical detail), as the person sees it")
    st.text(f"{data['summary']['outcome']}\n" + "".join(f"- {a}\n" for a in data["summary"]["adjustments"])
            + "".join(f"- {a}\n" for a in data["summary"].get("induction") or []))
    left, right = st.columns(2)
    left.download_button("Download the manager's summary", data["summary_html"], f"{case_id}-oh-summary.html",
                         "text/html", key=f"oh_summary_download_{case_id}")
    right.download_button("Download the adjustment passport", data["passport_html"], f"{case_id}-passport.html",
                          "text/html", key=f"oh_passport_download_{case_id}")
