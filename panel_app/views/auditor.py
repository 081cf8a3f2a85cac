"""Auditor: decision history, replay under the rules then and now with the diff, the chain's status,
the audit report with charts and the pseudonymised export. Read only: nothing here writes a decision."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st
from panel_ui import session
from panel_ui.text import plain

from engine.services import access

user = session.signed_in()
st.title("Auditor")
store = session.store()
try:
    status = access.chain_status(store, user)
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()

if status.ok:
    st.success(f"Audit chain verified: {status.events} events, none altered or missing.")
else:
    st.error(plain(f"Audit chain broken at event {status.first_broken}: {status.reason}"))

history, replay_tab, report_tab, log_tab, export_tab = st.tabs(
    ["Decision history", "Replay", "Audit report", "Access log", "Pseudonymised export"])

with history:
    if "history_cache" not in st.session_state:
        st.session_state["history_cache"] = access.decision_history(store, user)   # logged per case
    rows = st.session_state["history_cache"]
    if st.button("Refresh", key="history_refresh"):
        st.session_state.pop("history_cache")
        st.rerun()
    if rows:
        st.dataframe(pd.DataFrame([{**r, "members": "; ".join(f"{m['member']} ({m['panel_role']}): {m['view']}"
                                                              for m in r["members"])} for r in rows]),
                     hide_index=True)
        for r in reversed(rows):
            verdict = "agreed" if r["agrees"] else "overrode"
            st.markdown(f"- **{plain(r['case_id'])}** " + plain(
                f"on {r['decided_on']}: {r['chair']} {verdict}, "
                f"{r['recommended'].replace('_', ' ')} → {r['final_outcome'].replace('_', ' ')}"))
    else:
        st.write("No decisions recorded yet.")

with replay_tab:
    mode = st.radio("Replay under", ["at-decision", "current"], horizontal=True, key="replay_mode",
                    format_func={"at-decision": "the rules then in force", "current": "today's rules"}.get)
    if st.button("Replay every decision", key="replay_run"):
        result = access.replay(store, user, mode)
        st.session_state["replay_result"] = result
    result = st.session_state.get("replay_result")
    if result is not None:
        st.write(f"{len(result.rows)} evaluations replayed under {result.mode}: {result.counts()}")
        if result.defects:
            st.error(f"{len(result.defects)} evaluations not reproduced exactly")
        frame = result.frame()
        st.dataframe(frame, hide_index=True)
        differing = frame[frame["differences"] > 0]
        if len(differing):
            st.markdown("**Differences** (JSON paths that differ)")
            st.dataframe(differing[["case_id", "outcome_then", "outcome_now", "paths"]], hide_index=True)

with report_tab:
    if st.button("Build the audit report", key="report_run"):
        st.session_state["audit_report"] = access.audit_report(store, user)
    built = st.session_state.get("audit_report")
    if built is not None:
        report, figures = built
        st.write(f"{report.cases} cases, {report.evaluations} evaluations, {report.decisions} decisions")
        for name, fig in figures.items():
            png = io.BytesIO()
            fig.savefig(png, format="png", bbox_inches="tight")
            title = fig.axes[0].get_title() if fig.axes and fig.axes[0].get_title() else name.replace("_", " ")
            st.image(png.getvalue(), alt=f"Chart: {title}. The same figures are in the tables below.")
        for name, table in report.tables.items():
            with st.expander(name.replace("_", " ")):
                st.dataframe(table, hide_index=True)

with log_tab:
    st.dataframe(pd.DataFrame(access.access_log(store, user)), hide_index=True)

with export_tab:
    salt = st.text_input("Salt (keep it apart from the export; empty: a new one is made)", type="password",
                         key="export_salt")
    if st.button("Prepare the export", key="export_run"):
        with tempfile.TemporaryDirectory() as tmp:
            done = access.pseudonymised_export(store, user, Path(tmp), salt or None)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
                for f in done.files:
                    z.write(f, f.name)
        st.session_state["export_zip"] = (buffer.getvalue(), done.rows, done.salt if done.salt_generated else None)
    prepared = st.session_state.get("export_zip")
    if prepared:
        data, rows, new_salt = prepared
        st.write(f"Rows: {rows}")
        if new_salt:
            st.warning(f"A new salt was generated; keep it apart from the export: `{new_salt}`")
        st.download_button("Download the pseudonymised export (zip)", data, "fairchance-export.zip",
                           "application/zip", key="export_download")
