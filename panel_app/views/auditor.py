"""Auditor: the audit chain, decision history, replay under the rules then and now, the audit report with
charts, the access log and the pseudonymised export. Read only: nothing here writes a decision. Long lists
are paged and filtered in the database; everything is in words (codes stay in the downloads)."""

from __future__ import annotations

import io

import streamlit as st
from panel_ui import pages, session
from panel_ui.tables import grid, table
from panel_ui.text import plain

from engine.services import access

HISTORY_PAGE, LOG_PAGE = "history_page", "log_page"
MODES = {"at-decision": "the rules then in force", "current": "today's rules"}

user = session.signed_in()
st.title("Auditor")
store = session.store()
try:
    access.require(user, "run_replay", store=store)
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()


def chain() -> None:
    """Verification reads every event and every row, so it runs when asked, not at every visit."""
    st.caption("Checks every event of the audit chain, its anchor and every stored row against its event.")
    if st.button("Verify the audit chain", key="chain_run"):
        st.session_state["chain_status"] = access.chain_status(store, user)
    status = st.session_state.get("chain_status")
    if status is None:
        return
    if status.ok:
        st.success(f"Audit chain verified: {status.events:,} events, none altered or missing.")
    else:
        st.error(plain(f"Audit chain broken at event {status.first_broken}: {status.reason}"))


def history() -> None:
    text = st.text_input("Case id contains", key="history_case", on_change=pages.first_page, args=(HISTORY_PAGE,))
    wanted = (text, pages.current(HISTORY_PAGE))
    cached = st.session_state.get("history_cache")
    if cached is None or cached[0] != wanted:    # fetched (and logged, per case shown) once per page asked for
        cached = (wanted, access.decision_history(store, session.rules(), user, text, wanted[1]))
        st.session_state["history_cache"] = cached
    found = cached[1]
    if not found["matching"]:
        st.info("No decisions match." if text else "No decisions recorded yet.")
        return
    st.caption(f"{found['matching']:,} decision{'s' if found['matching'] != 1 else ''}, newest first; "
               f"page {found['page']:,} of {found['pages']:,}")
    grid(found["rows"], key="history_grid", wide=["rationale", "members"], whole=True)
    for sentence in found["sentences"]:
        st.markdown(f"- {plain(sentence)}")
    pages.controls(HISTORY_PAGE, found["pages"], "decisions")


def replay() -> None:
    mode = st.radio("Replay under", list(MODES), horizontal=True, key="replay_mode", format_func=MODES.get)
    if st.button("Replay every decision", key="replay_run"):
        st.session_state["replay_result"] = access.replay(store, session.rules(), user, mode)
    result = st.session_state.get("replay_result")
    if result is None:
        return
    st.write(f"{result['evaluations']:,} evaluations replayed under {MODES[result['mode']]}.")
    if result["defects"]:
        st.error(f"{result['defects']:,} evaluations not reproduced exactly: see the list below.")
    table(result["summary"], {"result": "Result", "evaluations": "Evaluations", "meaning": "What it means"},
          empty="Nothing to replay: no evaluations are stored.")
    if result["details"]:
        st.markdown("**Evaluations not reproduced, changed or skipped**")
        grid(result["details"], key="replay_grid", wide=["parts_that_differ", "note"])
    st.download_button("Download every row (CSV, with the rules versions and codes)", result["csv"],
                       "fairchance-replay.csv", "text/csv", key="replay_download")


def report() -> None:
    if st.button("Build the audit report", key="report_run"):
        st.session_state["audit_report"] = access.audit_report(store, session.rules(), user)
    built = st.session_state.get("audit_report")
    if built is None:
        return
    st.write(f"{built['cases']:,} cases, {built['evaluations']:,} evaluations, {built['decisions']:,} decisions.")
    for fig in built["figures"].values():
        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight")
        title = fig.axes[0].get_title().replace("\n", " ") if fig.axes else "a chart"
        st.image(png.getvalue(), alt=f"Chart: {title}. The same figures are in the tables below.")
    for title, frame in built["tables"].items():
        with st.expander(title):
            grid(frame, empty="Nothing to show yet.")


def log() -> None:
    case, person, since, until = st.columns([2, 2, 1, 1])
    reset = {"on_change": pages.first_page, "args": (LOG_PAGE,)}
    query = access.LogQuery(
        case_text=case.text_input("Case id contains", key="log_case", **reset),
        actor=person.selectbox("Person", ["", *access.access_log_people(store, user)], key="log_person",
                               format_func=lambda p: p or "Everyone", **reset) or None,
        since=since.date_input("From (day)", value=None, format="DD/MM/YYYY", key="log_since", **reset),
        until=until.date_input("To (day, included)", value=None, format="DD/MM/YYYY", key="log_until", **reset),
        page=pages.current(LOG_PAGE))
    found = access.access_log(store, user, query)
    if pages.clamp(LOG_PAGE, found["pages"]):
        found = access.access_log(store, user, query.model_copy(update={"page": pages.current(LOG_PAGE)}))
    entries = "1 entry matches" if found["matching"] == 1 else f"{found['matching']:,} entries match"
    st.caption(f"{entries}, newest first; page {found['page']:,} of {found['pages']:,}")
    grid(found["rows"], key="log_grid", empty="No entries match: change the case, person or days.", wide=["purpose"],
         whole=True)
    pages.controls(LOG_PAGE, found["pages"], "entries")


def export() -> None:
    salt = st.text_input("Salt (keep it apart from the export; leave empty and a new one is made)", type="password",
                         key="export_salt")
    if st.button("Prepare the export", key="export_run"):
        st.session_state["export_zip"] = access.pseudonymised_export(store, user, salt or None)
    prepared = st.session_state.get("export_zip")
    if not prepared:
        return
    st.write(plain(prepared["said"]))
    st.download_button("Download the pseudonymised export (zip)", prepared["zip"], prepared["file_name"],
                       "application/zip", key="export_download")
    if prepared["salt_file"]:
        st.download_button("Download the salt (keep it apart from the export)", prepared["salt_file"],
                           "fairchance-export-salt.txt", "text/plain", key="export_salt_download")


TABS = {"Audit chain": chain, "Decision history": history, "Replay": replay, "Audit report": report,
        "Access log": log, "Pseudonymised export": export}
for tab, show in zip(st.tabs(list(TABS)), TABS.values(), strict=True):
    with tab:
        show()
