"""New case: a form, or a YAML/JSON case file. The engine validates either (access.submit_case); every problem is
shown at once, in words, beside its field, and what was typed stays (each field keeps its value for the session).

The form has no st.form: adding a record or a sentence, and the check proposed from the setting and duties,
need the page to answer as it is filled in. Its state is a list of record numbers, each with its sentence
numbers; a field's key carries those numbers, so removing one row never moves what was typed in another."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st
from panel_ui import session
from panel_ui.dates import date_field, next_year, today
from panel_ui.labels import GROUPS, chooser, label
from panel_ui.text import plain
from panel_ui.wording import problem_words

from engine.files.problems import InputError, Path, Problem, path_text
from engine.files.yaml_lines import parse, parse_json
from engine.services import access

PROBLEMS = "new_case_problems"      # {"source": "form" | a file name, "items": [...]}
DONE = "new_case_done"
RECORDS = "nc_records"              # the record rows' numbers, in order
NEXT = "nc_next"                    # the next row number
# What the form holds (cleared once its case is stored); buttons are keyed "ncb_", the reason and file apart.
FORM_STATE = re.compile(r"nc_(r\d+_|case_id|ref|assessed_on|dob|title|setting|duties|proposed|level|regulated|"
                        r"checks|issued|barred|police|records|next)")
ANSWERS = {"yes": True, "no": False, "not asked": None}    # "not asked" leaves self_disclosed out: not recorded
POLICE = {"yes": True, "no": False, "not recorded": None}
UNITS = ("months", "years", "weeks", "days", "no length given", "until further order")
OPEN_LENGTHS = {"no length given": "none", "until further order": "until_further_order"}
CONDITIONS = ("not known", "ended on a date", "still running")

user = session.signed_in()
rules = session.rules()
tables = rules.tables
st.title("New case")
try:
    access.require(user, "submit_case")
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()


# --- state: record and sentence rows --------------------------------------------------------------------

def _number() -> int:
    st.session_state[NEXT] = st.session_state.get(NEXT, 0) + 1
    return st.session_state[NEXT]


def _sentences_key(r: int) -> str:
    return f"nc_r{r}_sentences"


def add_record() -> None:
    r = _number()
    st.session_state[RECORDS] = [*st.session_state.get(RECORDS, []), r]
    st.session_state[f"nc_r{r}_id"] = f"R{len(st.session_state[RECORDS])}"
    st.session_state[_sentences_key(r)] = []


def add_sentence(r: int) -> None:
    st.session_state[_sentences_key(r)] = [*st.session_state.get(_sentences_key(r), []), _number()]


def _forget(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def remove_record(r: int) -> None:
    st.session_state[RECORDS] = [x for x in st.session_state[RECORDS] if x != r]
    _forget(f"nc_r{r}_")


def remove_sentence(r: int, s: int) -> None:
    st.session_state[_sentences_key(r)] = [x for x in st.session_state[_sentences_key(r)] if x != s]
    _forget(f"nc_r{r}_s{s}_")


def propose_check() -> None:
    """When the setting or duties change: the check level and barred lists they usually need (the rules say)."""
    proposal = access.proposed_check(rules, st.session_state.get("nc_setting"), st.session_state.get("nc_duties", []))
    st.session_state["nc_proposed"] = proposal
    if proposal["check_level"]:
        st.session_state["nc_level"] = proposal["check_level"]
        st.session_state["nc_regulated"] = proposal["regulated_activity"]
        st.session_state["nc_checks"] = proposal["barred_list_checks"]


# --- problems beside their fields -----------------------------------------------------------------------

def show_problems(slot: str) -> None:
    found = st.session_state.get(PROBLEMS)
    if not found or found["source"] != "form":
        return
    for item in found["items"]:
        if item["slot"] == slot:
            st.error(plain(f"{item['label']}: {item['message']}"), icon=":material/error:")


def _placed(p: Problem, places: dict[Path, tuple[str, str]]) -> dict[str, Any]:
    """The field a problem belongs to: the longest known path it starts with (the form's labels, not paths), and
    where that field comes in the form (so the summary reads in the form's order)."""
    order = list(places)
    for n in range(len(p.path), -1, -1):
        if p.path[:n] in places:
            slot, name = places[p.path[:n]]
            return {"slot": slot, "label": name, "message": problem_words(rules, p.message),
                    "order": order.index(p.path[:n])}
    return {"slot": "form", "label": "The case", "message": problem_words(rules, p.message), "order": len(order)}


# --- the case as the form holds it ----------------------------------------------------------------------

def _value(key: str) -> Any:
    value = st.session_state.get(key)
    return value.strip() or None if isinstance(value, str) else value


def _length(r: int, s: int) -> Any:
    unit, amount = _value(f"nc_r{r}_s{s}_unit") or "months", _value(f"nc_r{r}_s{s}_amount")
    if unit in OPEN_LENGTHS:
        return OPEN_LENGTHS[unit]
    return {unit: int(amount)} if amount is not None else None


def _sentence(r: int, s: int, n: int, at: Path, places: dict) -> dict[str, Any]:
    record = f"Record {at[1] + 1}, sentence {n}"
    places[at] = (f"r{r}_s{s}", record)
    for field in ("type", "length", "start", "consecutive"):
        places[at + (field,)] = (f"r{r}_s{s}", f"{record}, {field}")
    sentence = {"type": _value(f"nc_r{r}_s{s}_type"), "length": _length(r, s), "start": _value(f"nc_r{r}_s{s}_start"),
                "consecutive": bool(_value(f"nc_r{r}_s{s}_consecutive")) or None}
    return {k: v for k, v in sentence.items() if v is not None}


FIELDS = (("id", "id", "id"), ("kind", "kind", "kind of record"), ("date", "date", "date"),
          ("offence_date", "offence_date", "date of the offence"), ("offence", "offence", "offence"),
          ("offence_category", "category", "offence category"), ("self_disclosed", "declared", "declared"),
          ("conditions_end", "conditions", "conditions"), ("sentences", "sentences", "sentences"))


def _record(r: int, n: int, places: dict) -> dict[str, Any]:
    at: Path = ("records", n - 1)
    places[at] = (f"r{r}_kind", f"Record {n}")
    for field, slot, words in FIELDS:
        places[at + (field,)] = (f"r{r}_{slot}", f"Record {n}, {words}")
    kind = tables.kinds.get(_value(f"nc_r{r}_kind"))
    record = {"id": _value(f"nc_r{r}_id"), "kind": _value(f"nc_r{r}_kind"), "date": _value(f"nc_r{r}_date"),
              "offence_date": _value(f"nc_r{r}_offence_date"), "offence": _value(f"nc_r{r}_offence"),
              "offence_category": _value(f"nc_r{r}_category"),
              "self_disclosed": ANSWERS[_value(f"nc_r{r}_declared") or "not asked"]}
    if kind is not None and kind.conditional:
        condition = _value(f"nc_r{r}_conditions") or "not known"
        record["conditions_end"] = {"ended on a date": _value(f"nc_r{r}_conditions_end"),
                                    "still running": "running"}.get(condition)
    if kind is not None and kind.conviction:    # a caution has no sentences: none are sent
        record["sentences"] = [_sentence(r, s, j, at + ("sentences", j - 1), places)
                               for j, s in enumerate(st.session_state.get(_sentences_key(r), []), start=1)]
    return {k: v for k, v in record.items() if v is not None}


TOP = {("reason",): ("reason", "Reason for this version"), ("case_id",): ("case_id", "Case id"),
       ("assessed_on",): ("assessed_on", "Panel date"),
       ("applicant",): ("dob", "Applicant"), ("applicant", "ref"): ("ref", "Applicant reference"),
       ("applicant", "date_of_birth"): ("dob", "Date of birth"), ("role",): ("level", "Role"),
       ("role", "title"): ("title", "Role title"), ("role", "check_level"): ("level", "Check level"),
       ("role", "regulated_activity"): ("regulated", "Regulated activity"),
       ("role", "barred_list_checks"): ("checks", "Barred lists checked"), ("role", "duties"): ("duties", "Duties"),
       ("role", "setting"): ("setting", "Setting"), ("certificate",): ("issued", "Certificate"),
       ("certificate", "issued_on"): ("issued", "Certificate issued on"),
       ("certificate", "barred"): ("barred", "Barred from"),
       ("certificate", "police_information"): ("police", "Police information")}


def _police_asked() -> bool:
    """Only an enhanced certificate can carry police information (check-levels.yaml: police_information)."""
    level = tables.levels.get(st.session_state.get("nc_level"))
    return bool(level and level.police_information)


def _certificate() -> dict[str, Any] | None:
    issued = _value("nc_issued")
    if issued is None:
        return None
    barred = _value("nc_barred") or []
    certificate = {"issued_on": issued, "barred": {g: g in barred for g in _value("nc_checks") or []},
                   "police_information": POLICE[_value("nc_police") or "not recorded"] if _police_asked() else None}
    return {k: v for k, v in certificate.items() if v is not None}


def form_case() -> tuple[dict[str, Any], dict[Path, tuple[str, str]]]:
    """The case/1 data the form holds (empty fields left out, so the engine says what is missing), and where
    each field's problems are shown."""
    places = dict(TOP)
    role = {"title": _value("nc_title"), "check_level": _value("nc_level"),
            "barred_list_checks": _value("nc_checks") or None, "regulated_activity": _value("nc_regulated") or None,
            "duties": _value("nc_duties") or None, "setting": _value("nc_setting")}
    applicant = {"ref": _value("nc_ref"), "date_of_birth": _value("nc_dob")}
    data = {"format": "case/1", "case_id": _value("nc_case_id") or "", "assessed_on": _value("nc_assessed_on"),
            "jurisdiction": "england_wales", "applicant": {k: v for k, v in applicant.items() if v is not None},
            "role": {k: v for k, v in role.items() if v is not None}, "certificate": _certificate(),
            "records": [_record(r, n, places) for n, r in enumerate(st.session_state.get(RECORDS, []), start=1)]}
    return {k: v for k, v in data.items() if v is not None}, places


# --- submitting -----------------------------------------------------------------------------------------

def _store(data: Any, file: str, lines: dict | None) -> dict[str, Any]:
    return access.submit_case(session.store(), rules, user, data, st.session_state.get("nc_reason", ""), file, lines)


def _stored(done: dict[str, Any]) -> None:
    st.session_state.pop(PROBLEMS, None)
    st.session_state["case_id"] = done["case_id"]
    st.session_state[DONE] = (f"{done['case_id']} version {done['version']} stored and evaluated: "
                              f"{label(rules, 'outcome', done['outcome'])}.")


def submit_form() -> None:
    """The form's case to the engine (a callback, before the page is drawn, so the form can be cleared)."""
    data, places = form_case()
    try:
        done = _store(data, "<form>", None)
    except InputError as exc:
        items = sorted((_placed(p, places) for p in exc.problems), key=lambda i: i["order"])
        st.session_state[PROBLEMS] = {"source": "form", "items": items}
        return
    _stored(done)
    for key in [k for k in st.session_state if FORM_STATE.match(str(k))]:
        del st.session_state[key]       # stored: the form starts afresh for the next case


def _in_file(p: Problem) -> str:
    """A file's problem with its line and field path: the person fixing a file edits those, so they are named."""
    where = f"{p.file}, line {p.line}" if p.line else p.file
    return f"{where}, {path_text(p.path)}: {p.message}"


def submit_file(name: str, text: str) -> None:
    try:
        data, lines = (parse_json if name.endswith(".json") else parse)(text, name)
        done = _store(data, name, lines)
    except InputError as exc:
        st.session_state[PROBLEMS] = {"source": name, "items": [_in_file(p) for p in exc.problems]}
        return
    _stored(done)


# --- the page -------------------------------------------------------------------------------------------

def upload_tab() -> None:
    uploaded = st.file_uploader("Case file (case/1, YAML or JSON)", type=["yaml", "yml", "json"], key="nc_file")
    if uploaded is not None and st.button("Validate and submit the file", key="nc_upload"):
        submit_file(uploaded.name, uploaded.getvalue().decode("utf-8", errors="replace"))
        st.rerun()
    found = st.session_state.get(PROBLEMS)
    if found and found["source"] != "form":
        st.markdown("**Problems in the file** (field, line and what was expected):")
        for item in found["items"]:
            st.error(plain(item), icon=":material/error:")


def case_section() -> None:
    st.subheader("Case")
    left, right = st.columns(2)
    with left:
        st.text_input("Case id", placeholder="C-2026-0042", key="nc_case_id", persist_state="session")
        show_problems("case_id")
        st.text_input("Applicant reference", placeholder="A-1042", key="nc_ref", persist_state="session")
        show_problems("ref")
    with right:
        date_field("Panel date", "nc_assessed_on", latest=next_year(), default=today(),
                   help="The day the panel meets: the assessment speaks for that day.")
        show_problems("assessed_on")
        date_field("Date of birth", "nc_dob")
        show_problems("dob")


def _multiselect(words: str, key: str, options: list[str], what: str, **extra: Any) -> None:
    st.session_state.setdefault(key, [])
    st.multiselect(words, options, key=key, format_func=chooser(rules, what), persist_state="session", **extra)


def _proposal_note() -> None:
    proposal = st.session_state.get("nc_proposed")
    if not proposal or not proposal["check_level"]:
        st.caption("Choose the setting and duties first: the check level and barred lists the post usually needs "
                   "are then filled in, for you to confirm.")
        return
    lists = " and ".join(label(rules, "group", g).lower() for g in proposal["barred_list_checks"])
    checks = f", with the barred list for {lists}" if lists else ", with no barred-list check"
    st.caption(plain(f"Filled in from the setting and duties: {label(rules, 'level', proposal['check_level'])}"
                     f"{checks}. Change them if this post differs."))
    with st.expander("Why these were filled in"):
        for source in proposal["sources"]:
            st.markdown(f"- {plain(source)}")


def role_section() -> None:
    st.subheader("Role")
    st.text_input("Role title", placeholder="Peer Support Worker", key="nc_title", persist_state="session")
    show_problems("title")
    left, right = st.columns(2)
    st.session_state.setdefault("nc_setting", None)
    left.selectbox("Setting", list(tables.settings), key="nc_setting", format_func=chooser(rules, "setting"),
                   placeholder="Choose the setting", on_change=propose_check, persist_state="session")
    with right:
        _multiselect("Duties", "nc_duties", list(tables.duties), "duty", on_change=propose_check)
    show_problems("setting")
    show_problems("duties")
    _proposal_note()
    left, middle, right = st.columns(3)
    st.session_state.setdefault("nc_level", None)
    left.selectbox("Check level", list(tables.levels), key="nc_level", format_func=chooser(rules, "level"),
                   placeholder="Choose the check level", persist_state="session")
    with middle:
        _multiselect("Regulated activity with", "nc_regulated", list(GROUPS), "group")
    with right:
        _multiselect("Barred lists checked", "nc_checks", list(GROUPS), "group")
    for slot in ("level", "regulated", "checks"):
        show_problems(slot)


def certificate_section() -> None:
    st.subheader("Certificate")
    date_field("Certificate issued on (leave empty if it has not come back yet)", "nc_issued")
    show_problems("issued")
    if st.session_state.get("nc_issued") is None:
        return
    left, right = st.columns(2)
    with left:
        _multiselect("Barred from (of the lists checked)", "nc_barred", st.session_state.get("nc_checks") or [],
                     "group")
        show_problems("barred")
    if _police_asked():
        st.session_state.setdefault("nc_police", "not recorded")
        right.radio("Police information added to the certificate", list(POLICE), key="nc_police", horizontal=True,
                    persist_state="session")
        with right:
            show_problems("police")


def sentence_row(r: int, s: int, n: int) -> None:
    with st.container(border=True):
        st.markdown(f"**Sentence {n}**")
        left, middle, right = st.columns([3, 1, 2])
        st.session_state.setdefault(f"nc_r{r}_s{s}_type", None)
        left.selectbox("Sentence or order", list(tables.sentence_types), key=f"nc_r{r}_s{s}_type",
                       format_func=chooser(rules, "sentence"), placeholder="Choose the sentence",
                       persist_state="session")
        st.session_state.setdefault(f"nc_r{r}_s{s}_amount", None)
        middle.number_input("Length", min_value=1, step=1, key=f"nc_r{r}_s{s}_amount", persist_state="session")
        st.session_state.setdefault(f"nc_r{r}_s{s}_unit", "months")
        right.selectbox("Length in", UNITS, key=f"nc_r{r}_s{s}_unit", persist_state="session")
        date_field("Start, if not the day of conviction", f"nc_r{r}_s{s}_start")
        if n > 1:
            st.checkbox("Runs after the sentence before it (consecutive)", key=f"nc_r{r}_s{s}_consecutive",
                        persist_state="session")
        show_problems(f"r{r}_s{s}")
        st.button("Remove this sentence", key=f"ncb_r{r}_s{s}_remove", on_click=remove_sentence, args=(r, s))


def sentences_part(r: int) -> None:
    st.markdown("**Sentences** (a conviction has one or more)")
    show_problems(f"r{r}_sentences")
    for n, s in enumerate(st.session_state.get(_sentences_key(r), []), start=1):
        sentence_row(r, s, n)
    st.button("Add a sentence", key=f"ncb_r{r}_add_sentence", on_click=add_sentence, args=(r,))


def conditions_part(r: int) -> None:
    st.session_state.setdefault(f"nc_r{r}_conditions", "not known")
    st.radio("The caution's conditions", CONDITIONS, key=f"nc_r{r}_conditions", horizontal=True,
             persist_state="session")
    if st.session_state.get(f"nc_r{r}_conditions") == "ended on a date":
        date_field("Conditions ended on", f"nc_r{r}_conditions_end")
    show_problems(f"r{r}_conditions")


def _record_fields(r: int) -> None:
    left, middle, right = st.columns([1, 2, 2])
    left.text_input("Record id", key=f"nc_r{r}_id", persist_state="session")
    st.session_state.setdefault(f"nc_r{r}_kind", None)
    middle.selectbox("Kind of record", list(tables.kinds), key=f"nc_r{r}_kind", format_func=chooser(rules, "kind"),
                     placeholder="Choose the kind", persist_state="session")
    with right:
        date_field("Date of the conviction or caution", f"nc_r{r}_date")
    for slot in ("id", "kind", "date"):
        show_problems(f"r{r}_{slot}")
    left, right = st.columns(2)
    left.text_input("Offence (as on the certificate)", key=f"nc_r{r}_offence", persist_state="session")
    st.session_state.setdefault(f"nc_r{r}_category", None)
    right.selectbox("Offence category", list(tables.categories), key=f"nc_r{r}_category",
                    format_func=chooser(rules, "category"), placeholder="Choose, if known", persist_state="session")
    date_field("Date of the offence, if known", f"nc_r{r}_offence_date")
    st.session_state.setdefault(f"nc_r{r}_declared", "not asked")
    st.radio("Declared by the applicant before the certificate came back?", list(ANSWERS), key=f"nc_r{r}_declared",
             horizontal=True, persist_state="session")
    for slot in ("offence", "category", "offence_date", "declared"):
        show_problems(f"r{r}_{slot}")


def record_box(r: int, n: int) -> None:
    with st.container(border=True):
        st.markdown(f"#### Record {n}")
        _record_fields(r)
        kind = tables.kinds.get(st.session_state.get(f"nc_r{r}_kind"))
        if kind is not None and kind.conviction:
            sentences_part(r)
        elif kind is not None and kind.conditional:
            conditions_part(r)
        st.button("Remove this record", key=f"ncb_r{r}_remove", on_click=remove_record, args=(r,))


def records_section() -> None:
    st.subheader("Records")
    st.caption("Each conviction and caution on the certificate or declared by the applicant. A conviction has its "
               "sentences; a caution has none.")
    records = st.session_state.get(RECORDS, [])
    if not records:
        st.info("No records: add one for each conviction or caution, or submit with none.")
    for n, r in enumerate(records, start=1):
        record_box(r, n)
    st.button("Add a record", key="ncb_add_record", on_click=add_record)


def problem_summary() -> None:
    found = st.session_state.get(PROBLEMS)
    if not found or found["source"] != "form":
        return
    count = len(found["items"])
    lines = "\n".join(f"- {plain(i['label'])}: {plain(i['message'])}" for i in found["items"])
    st.error(f"**{count} problem{'s' if count != 1 else ''} to put right** (each is also shown beside its field):"
             f"\n\n{lines}", icon=":material/error:")


def form_tab() -> None:
    case_section()
    role_section()
    certificate_section()
    records_section()
    show_problems("form")
    problem_summary()
    st.button("Check and submit the case", key="ncb_submit", type="primary", on_click=submit_form)


done = st.session_state.pop(DONE, None)
if done:
    st.success(plain(done))
st.session_state.setdefault("nc_reason", "new application")
st.text_input("Reason for this version", key="nc_reason", persist_state="session")
show_problems("reason")
tab_upload, tab_form = st.tabs(["Upload a case file", "Fill in a form"])
with tab_upload:
    upload_tab()
with tab_form:
    form_tab()
