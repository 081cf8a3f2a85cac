"""Case review: the recommendation and its reasons first, then the timeline, the records with their
badges, factors and findings with sources, safeguards, dates of change, the OH outcome (no clinical
detail) and the trace on demand."""

from __future__ import annotations

import time

import streamlit as st
from panel_ui import session
from panel_ui.cases import open_case, words
from panel_ui.factors import factor_rows, outputs_text
from panel_ui.labels import label
from panel_ui.records import change_rows, record_rows, rules_line
from panel_ui.tables import day, grid, moment, table
from panel_ui.text import plain
from panel_ui.timeline import timeline_chart
from panel_ui.wording import dates_in_words, reason_words

from engine.services import access

started = time.perf_counter()
user = session.signed_in()
st.title("Case review")
data = open_case(user)
case_id = data["case_id"]

report = data["report"]
role = data["role"]
rules = session.rules()
st.caption(plain(f"{case_id} version {data['version']} · {role.get('title') or 'role not named'} · "
                 f"{label(rules, 'level', role.get('check_level'))} · as at {day(data['assessed_on'])}"
                 + (f" · {rules_line(data['evaluation'])}" if report else "")))
if report and session.policy().allows(user.role, "run_replay"):     # the auditor replays by this version
    with st.expander("Rules version (for audit)"):
        st.text(f"Rules version {report['rules_version']}, engine {report['engine_version']}.")
if report is None:
    st.warning("This case has not been evaluated yet.")
    st.stop()

recommendation = report["recommendation"]
st.subheader(f"Recommendation: {label(rules, 'outcome', recommendation['outcome'])}")   # the rules' own label
st.markdown(f"**Why:** {plain(dates_in_words(recommendation['because']))}")
if report["barred_stop"]["stopped"]:
    st.error(plain(f"Barred-list stop: {report['barred_stop']['reason']} ({report['barred_stop']['source']})"))
for need in report["needs_information"]:
    st.warning(plain(f"Needed before a decision: {need}"))
with st.container(border=True):
    for sentence in report["explanation"]["panel"]:
        st.markdown(f"- {plain(dates_in_words(sentence))}")
st.caption("The engine recommends and explains; the panel decides (see the Decision page).")

st.subheader("Timeline")
st.altair_chart(timeline_chart(data, rules), width="stretch")

st.subheader("Records")
if data["set_aside"] and not data["set_aside_shown"]:     # the panel sees a count, never the records
    st.info(f"{data['set_aside']} record{'s are' if data['set_aside'] != 1 else ' is'} set aside because the law "
            "does not allow them to be considered for this post. They are not shown, and must not be weighed.")
rows = record_rows(data["records"], rules)
grid(rows, ["record", "kind", "date", "offence", "spent on", "badges", "declared"],
     empty="No records on the certificate or declared.")
for r, row in zip(data["records"], rows, strict=True):
    with st.expander(plain(f"{row['record']} {row['offence']}: {row['badges']}")):
        for b in r["badges"]:
            why = reason_words(rules, b["why"] or "no reason recorded")
            st.markdown(f"**{plain(b['badge'].capitalize())}**: {plain(why)}")
        if row["category"]:
            st.markdown(plain(f"Offence category: {row['category']}"))
        factors = {k: v for k, v in ((r["result"] or {}).get("factors") or {}).items() if v is not None}
        if factors:
            said = factor_rows(factors, rules)
            st.markdown(plain("Factors: " + "; ".join(f"{f['factor']}: {f['value']}" for f in said)))
        for reason in (r["result"] or {}).get("reasons", []):
            cite = f" ({reason['source']})" if reason["source"] else ""
            st.caption(plain(f"{words(reason['topic']).capitalize()}: {reason_words(rules, reason['text'])}{cite}"))

st.subheader("Factors and findings")
table(factor_rows(report["factors"], session.rules()), {"factor": "Factor", "value": "Finding"},
      empty="No case-level factors.")
table([{"rule": f["rule"], "finding": f["title"], "about": f["subject"], "source": "; ".join(f["source"])}
       for f in report["findings"]], {"rule": "Rule", "finding": "Finding", "about": "About", "source": "Source"},
      empty="No findings.")

st.subheader("Safeguards")
if recommendation["safeguards"]:
    wording = session.rules().wording.safeguards
    for s in recommendation["safeguards"]:
        st.markdown(f"- {plain(wording.get(s, words(s)))}")
else:
    st.write("None recommended.")
if recommendation.get("review_on"):
    st.markdown(plain(f"Review on {day(recommendation['review_on'])}."))
if recommendation.get("restrictions_to_discuss"):
    st.markdown("**Restrictions for the panel to weigh** (each would take away a core duty of the post, so none is "
                "offered as a safeguard):")
    restrictions = session.rules().wording.factors["restrictions_to_discuss"]
    for x in recommendation["restrictions_to_discuss"]:
        st.markdown(f"- {plain(restrictions.get(x, words(x)))}")

st.subheader("Dates of change")
if report["changes"]:
    grid(change_rows(report["changes"], rules), ["date", "record", "change", "recommendation_then"])
else:
    st.write("Nothing changes after the assessment date.")

st.subheader("Occupational health")
st.caption(plain(data["oh_status"]))
if data["oh"]:     # released: the person agreed to the manager's summary being shared
    st.markdown(plain(data["oh"]["outcome"]))
    for a in data["oh"]["adjustments"] + (data["oh"].get("induction") or []):
        st.markdown(f"- {plain(a)}")
    if data["oh"]["review_on"]:
        st.caption(plain(f"OH review on {day(data['oh']['review_on'])}"))
    left, right = st.columns(2)
    left.download_button("Download the manager's summary", data["oh_summary_html"], f"{case_id}-oh-summary.html",
                         "text/html", key="panel_oh_summary")
    right.download_button("Download the adjustment passport", data["oh_passport_html"], f"{case_id}-passport.html",
                          "text/html", key="panel_oh_passport")
for rec in data["oh_recorded"]:
    st.caption(plain(f"Recorded by {rec['clinician']} on {moment(rec['recorded_at'])}"))
if session.policy().allows(user.role, "view_clinical"):     # offered only to a role that may open it
    if st.button("Show the clinical detail", key="ask_clinical"):
        try:
            access.oh_case(session.store(), session.rules(), user, case_id)
            st.info("Clinical detail is on the Occupational health page.")
        except access.AccessDenied as exc:
            session.refused(exc)
else:
    st.caption("Clinical detail is for occupational health only: the panel sees the outcome in the manager's words.")

with st.expander("Trace: every rule consulted"):
    titles = {s.name: s.title for s in rules.book.sets}
    grid([{"rule set": titles.get(t["ruleset"], t["ruleset"]), "rule": t["rule"], "about": t["subject"],
           "matched": t["matched"], "failed": t.get("failed"), "outputs": outputs_text(t["outputs"], rules)}
          for t in report["trace"]],
         empty="No rule was consulted.", wide=["outputs"])
st.caption(f"Rendered in {time.perf_counter() - started:.2f} s", help="case review render time")
