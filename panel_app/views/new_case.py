"""New case: a form, or a YAML/JSON case file; each problem is shown next to its field (with its line)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from panel_ui import session
from panel_ui.text import plain

from engine.files.problems import InputError, Problem, path_text
from engine.files.yaml_lines import parse, parse_json
from engine.services import access

PROBLEMS = "new_case_problems"
user = session.signed_in()
tables = session.rules().tables
st.title("New case")
try:
    access.require(user, "submit_case")
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()


def problems_at(prefix: str) -> None:
    """The problems whose field path starts with `prefix`, shown under the field."""
    for p in st.session_state.get(PROBLEMS, []):
        where = path_text(p.path)
        if where == prefix or where.startswith(prefix + ".") or where.startswith(prefix + "["):
            line = f" (line {p.line})" if p.line else ""
            st.error(plain(f"{where}{line}: {p.message}"), icon=":material/error:")


def submit(data: Any, file: str, lines: dict | None, reason: str) -> None:
    try:
        done = access.submit_case(session.store(), session.rules(), user, data, reason, file, lines)
    except InputError as exc:
        st.session_state[PROBLEMS] = exc.problems
    except ValueError as exc:       # StoreError: e.g. a blank reason
        st.session_state[PROBLEMS] = [Problem(file, (str(exc).split(":")[0],), str(exc))]
    else:
        st.session_state.pop(PROBLEMS, None)
        st.session_state["case_id"] = done["case_id"]
        st.session_state["new_case_done"] = (f"{done['case_id']} version {done['version']} stored and evaluated: "
                                             f"{done['outcome'].replace('_', ' ')}.")
    st.rerun()


def record_of(row: dict[str, Any]) -> dict[str, Any]:
    """A records row of the form as a case/1 record (empty cells left out, so the engine says what is missing)."""
    record = {k: row[k] for k in ("id", "kind", "date", "offence", "offence_category", "self_disclosed")
              if row.get(k) is not None and not pd.isna(row[k])}
    if isinstance(record.get("date"), pd.Timestamp):
        record["date"] = record["date"].date()
    if row.get("sentence"):
        sentence = {"type": row["sentence"]}
        if row.get("length_months") is not None and not pd.isna(row["length_months"]):
            sentence["length"] = {"months": int(row["length_months"])}
        record["sentences"] = [sentence]
    return record


done = st.session_state.pop("new_case_done", None)
if done:
    st.success(done)
reason = st.text_input("Reason for this version", value="new application", key="nc_reason")
problems_at("reason")
upload_tab, form_tab = st.tabs(["Upload a case file", "Fill in a form"])

with upload_tab:
    uploaded = st.file_uploader("Case file (case/1, YAML or JSON)", type=["yaml", "yml", "json"], key="nc_file")
    if uploaded is not None and st.button("Validate and submit the file", key="nc_upload"):
        text = uploaded.getvalue().decode("utf-8", errors="replace")
        try:
            data, lines = (parse_json if uploaded.name.endswith(".json") else parse)(text, uploaded.name)
        except InputError as exc:
            st.session_state[PROBLEMS] = exc.problems
            st.rerun()
        submit(data, uploaded.name, lines, reason)
    if st.session_state.get(PROBLEMS) and any(p.file != "<form>" for p in st.session_state[PROBLEMS]):
        st.markdown("**Problems in the file** (field, line and what was expected):")
        for p in st.session_state[PROBLEMS]:
            st.error(str(p), icon=":material/error:")

with form_tab, st.form("new_case"):
    st.markdown("**Case**")
    case_id = st.text_input("Case id", placeholder="C-2026-0042", key="nc_case_id")
    problems_at("case_id")
    assessed_on = st.date_input("Assessed on (the panel date)", value=dt.date.today(), key="nc_assessed_on")
    problems_at("assessed_on")
    left, right = st.columns(2)
    ref = left.text_input("Applicant reference", placeholder="A-1042", key="nc_ref")
    dob = right.date_input("Date of birth", value=None, min_value=dt.date(1920, 1, 1), key="nc_dob")
    problems_at("applicant")
    st.markdown("**Role**")
    title = st.text_input("Role title", key="nc_title")
    level = st.selectbox("Check level", list(tables.levels), key="nc_level")
    groups = st.multiselect("Regulated activity (and barred-list checks) with", ["adults", "children"],
                            key="nc_groups")
    duties = st.multiselect("Duties", list(tables.duties), key="nc_duties")
    setting = st.selectbox("Setting", [None, *tables.settings], key="nc_setting")
    problems_at("role")
    st.markdown("**Certificate**")
    issued = st.date_input("Issued on (leave empty if not yet returned)", value=None, key="nc_issued")
    barred = st.multiselect("Barred from", ["adults", "children"], key="nc_barred")
    police = st.checkbox("Police information added", key="nc_police")
    problems_at("certificate")
    st.markdown("**Records** (one row a record; a conviction needs a sentence)")
    records = st.data_editor(pd.DataFrame(columns=["id", "kind", "date", "offence", "offence_category",
                                                   "sentence", "length_months", "self_disclosed"]),
                             num_rows="dynamic", key="nc_records", column_config={
        "kind": st.column_config.SelectboxColumn(options=list(tables.kinds)),
        "date": st.column_config.DateColumn(), "offence_category": st.column_config.SelectboxColumn(
            options=list(tables.categories)),
        "sentence": st.column_config.SelectboxColumn(options=list(tables.sentence_types)),
        "length_months": st.column_config.NumberColumn(min_value=0, step=1),
        "self_disclosed": st.column_config.CheckboxColumn()})
    problems_at("records")
    if st.form_submit_button("Validate and submit"):
        role = {"title": title or None, "check_level": level, "barred_list_checks": groups,
                "regulated_activity": groups, "duties": duties, "setting": setting}
        certificate = {"issued_on": issued, "barred": {g: g in barred for g in groups},
                       "police_information": police} if issued else None
        data = {"format": "case/1", "case_id": case_id.strip(), "assessed_on": assessed_on,
                "jurisdiction": "england_wales", "applicant": {"ref": ref or None, "date_of_birth": dob},
                "role": {k: v for k, v in role.items() if v not in (None, [])},
                "records": [record_of(row) for row in records.to_dict("records") if row.get("id")]}
        submit({**data, "certificate": certificate} if certificate else data, "<form>", None, reason)
