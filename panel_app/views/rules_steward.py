"""Rules: every rule with its citations and examples, the lint results, and (for the steward) the
casebank impact of the working-tree rules against the last published rules version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from panel_ui import session
from panel_ui.labels import label
from panel_ui.tables import day
from panel_ui.text import plain
from panel_ui.wording import facts_words

from engine.services import access

CASEBANK = Path(__file__).resolve().parents[2] / "casebank"
user = session.signed_in()
rules = session.rules()
st.title("Rules")
try:
    catalogue = access.rules_catalogue(rules, user, store=session.store())
except access.AccessDenied as exc:
    session.refused(exc)
    st.stop()
st.caption(f"Working-tree rules version {rules.version}: {len(catalogue)} rule sets, "
           f"{sum(len(s['rules']) for s in catalogue)} rules and rows")

browse, lint_tab, impact_tab = st.tabs(["Browse", "Lint", "Casebank impact"])
with browse:
    needle = st.text_input("Find a rule (id, title or source)", key="rules_find").lower()
    for s in catalogue:
        shown = [r for r in s["rules"] if not needle or needle in f"{r['id']} {r['title']} {r['source']}".lower()]
        if not shown:
            continue
        with st.expander(f"{s['name']}: {s['title']} ({len(shown)})", expanded=bool(needle)):
            # The file as the steward finds it in the repository (rules/...), not the server's path to it.
            st.caption(plain(f"rules/{s['file'].split('/rules/')[-1]} · {s['scope']} · {s['policy']} · "
                             f"stage {s['stage']}"))
            for r in shown:
                until = f" to {day(r['to'])}" if r["to"] else ""
                st.markdown(f"**{plain(r['id'])}** {plain(r['title'])}  \n*in force from {day(r['from'])}{until}* · "
                            + plain("; ".join(r["source"])))
                for n, e in enumerate(r["examples"], 1):
                    on = f", on {day(e['on'])}" if e["on"] else ""
                    st.caption(plain(f"Example {n}{on}: given {facts_words(rules, e['given'])}; gives "
                                     f"{facts_words(rules, e['expect'])}."))

with lint_tab:
    issues = access.rules_lint(rules, user, store=session.store())
    if issues:
        st.error(f"{len(issues)} problems")
        st.dataframe(pd.DataFrame(issues), hide_index=True)
    else:
        st.success("Lint: no problems (overlaps, gaps, unreachable rows, types, examples).")

with impact_tab:
    try:
        access.require(user, "view_rules_impact")
    except access.AccessDenied as exc:
        st.info(str(exc))
    else:
        if st.button("Run the casebank under both rule versions", key="impact_run"):
            st.session_state["impact"] = access.rules_impact(session.store(), rules, user, CASEBANK)
    impact = st.session_state.get("impact")
    if impact is not None:
        if impact.published is None:
            st.info("Nothing published yet: no rules snapshot in the store.")
        st.write(f"Published {impact.published} → working tree {impact.working}: {impact.cases} casebank cases, "
                 f"{len(impact.changed)} with differences, {len(impact.outcome_changes)} with a changed outcome.")
        if impact.changed:
            st.dataframe(pd.DataFrame([{"case": c.case_id, "title": c.title,
                                        "outcome then": label(rules, "outcome", c.outcome_then),
                                        "outcome now": label(rules, "outcome", c.outcome_now),
                                        "differences": "; ".join(c.differences)}
                                       for c in impact.changed]), hide_index=True)
