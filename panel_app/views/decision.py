"""Decision: each member records (and may revise) a view; the chair records the decision (agree or override)
with a mandatory rationale, one case at a time, refused in plain words by the decision policy's guards; the
letter to the applicant for the recorded decision (or the holding letter before it), as HTML and PDF."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from panel_ui import session
from panel_ui.cases import forget, open_case
from panel_ui.dates import date_field
from panel_ui.labels import label
from panel_ui.tables import day, table
from panel_ui.text import plain
from panel_ui.wording import dates_in_words

from engine.services import access

user = session.signed_in()
rules = session.rules()
st.title("Decision")
data = open_case(user)
case_id = data["case_id"]

evaluation = data["evaluation"]
if evaluation is None:
    st.warning("This case has not been evaluated yet.")
    st.stop()


def words(outcome: str) -> str:
    """An outcome by its label in the rules (an outcome the rules never recommend, by its words)."""
    return label(rules, "outcome", outcome)


recommended = evaluation["outcome"]
today = dt.date.today()
choices = access.decision_choices(today)
outcomes = choices["outcomes"]
roles = choices["roles"]
st.subheader(f"Recommendation: {words(recommended)}")
st.markdown(plain(dates_in_words(data["report"]["recommendation"]["because"])))


def role_words(role: str) -> str:
    return choices["all_roles"].get(role, role)


def saved(write) -> None:
    try:
        write()
    except access.AccessDenied as exc:
        session.refused(exc)
    except access.DecisionRefused as exc:   # a guard of the decision policy: what is missing, in plain words
        st.error(f"Not recorded. {exc}")
    except ValueError as exc:       # StoreError: names the field and what is missing
        st.error(plain(f"Not recorded: {exc}"))
    else:
        forget()
        st.session_state["decision_saved"] = True
        st.rerun()


if st.session_state.pop("decision_saved", False):
    st.success("Recorded.")

st.subheader("Members' views")
shown_views = [{**v, "panel_role": role_words(v["panel_role"]), "view": words(v["view"])}
               for v in data["member_views"]]
table(shown_views, {"member": "Member", "panel_role": "Role on the panel", "view": "View", "comment": "Comment",
                    "version": "Version", "recorded_at": "Recorded"}, empty="No views recorded yet.")
earlier = [v for v in data.get("view_history", []) if (v["member"], v["version"]) not in
           {(c["member"], c["version"]) for c in data["member_views"]}]
if earlier:
    with st.expander("Earlier versions of views (kept in the audit trail)"):
        table([{**v, "panel_role": role_words(v["panel_role"]), "view": words(v["view"])} for v in earlier],
              {"member": "Member", "version": "Version", "panel_role": "Role on the panel", "view": "View",
               "comment": "Comment", "recorded_at": "Recorded"})

decision = data["decision"]
if decision:
    st.subheader("Decision")
    verdict = "agreed with the recommendation" if decision["agrees"] else "overrode the recommendation"
    outcome = words(decision["final_outcome"])
    st.success(f"{plain(decision['chair'])} {verdict}: **{plain(outcome)}** on {plain(day(decision['decided_on']))}")
    st.markdown(f"**Rationale:** {plain(decision['rationale'])}")
    if decision["applicant_discussion"]:
        st.markdown(f"**Discussion with the applicant:** {plain(decision['applicant_discussion'])}")
    for absent in decision.get("absences") or []:
        st.markdown(f"**Absent:** {role_words(absent['panel_role'])}: {plain(absent['why'])}")
elif session.policy().allows(user.role, "record_member_view"):
    mine = next((v for v in data["member_views"] if v["member"] == user.username), None)
    with st.form("member_view"):
        if mine:
            st.markdown(f"**Your view** (version {mine['version']}: {words(mine['view'])}). You can revise it until "
                        "the panel decides; the earlier version is kept.")
        else:
            st.markdown("**Your view** (your own, recorded under your name)")
        role_keys = list(roles)
        panel_role = st.selectbox("Your role on the panel", role_keys, format_func=role_words,
                                  index=role_keys.index(mine["panel_role"]) if mine and mine["panel_role"] in roles
                                  else 0, key="mv_role")
        current = mine["view"] if mine and mine["view"] in outcomes else recommended
        view = st.selectbox("Your view", outcomes, index=outcomes.index(current) if current in outcomes else 0,
                            format_func=words, key="mv_view")
        comment = st.text_area("Comment", key="mv_comment")
        if st.form_submit_button("Revise my view" if mine else "Record my view"):
            saved(lambda: access.record_member_view(session.store(), user, evaluation["id"], panel_role, view,
                                                    comment))
elif session.policy().allows(user.role, "record_decision"):
    st.subheader("The panel")
    seats = access.panel_seats(data, today)
    table([{"seat": s["words"], "filled": s["filled_by"] or "no view yet"} for s in seats],
          {"seat": "Seat on the panel", "filled": "View from"})
    with st.form("decision"):
        st.markdown(f"**The panel's decision on {plain(case_id)}** (this case only)")
        chair_keys = ["", *roles]
        chair_role = st.selectbox("Your own seat on the panel (if you sit in one)", chair_keys,
                                  format_func=lambda r: role_words(r) if r else "none (chairing only)", key="d_seat")
        absences = {}
        for seat in seats:
            if not seat["filled_by"]:
                absences[seat["roles"][0]] = st.text_input(f"Why is {seat['words']} absent? (if deciding without them)",
                                                           key=f"d_absent_{seat['roles'][0]}")
        choice = st.radio("The panel", ["agrees with the recommendation", "overrides the recommendation"],
                          key="d_choice")
        final = st.selectbox("Final outcome (when overriding)", [o for o in outcomes if o != recommended],
                             format_func=words, key="d_final")
        rationale = st.text_area("Rationale (required, whether agreeing or overriding)", key="d_rationale")
        discussion = st.text_area("Discussion with the applicant (required before not appointing)",
                                  key="d_discussion")
        decided_on = date_field("Decided on", "d_on", default=today, echo=False, persist=False)
        if st.form_submit_button("Record the decision"):
            agrees = choice.startswith("agrees")
            saved(lambda: access.record_decision(session.store(), user, evaluation["id"], agrees,
                                                 None if agrees else final, rationale, decided_on, discussion,
                                                 chair_role=chair_role or None, absences=absences))

else:
    try:
        access.require(user, "record_decision")
    except access.AccessDenied as exc:
        st.info(plain(f"Read only. {exc}"))

letter = access.applicant_letter(session.store(), session.rules(), user, case_id, today)
if letter is None:
    st.info("The case detail has been removed under the retention policy, so there is no letter to show.")
elif letter["kind"] == "decision":
    st.subheader("Letter to the applicant")
    st.caption(f"For the panel's decision, dated {day(letter['dated'])}.")
    if not letter["matches_decision"]:
        st.warning("The letter's words have changed since the decision: this is the letter as they read today.")
    st.html(letter["html"])
    left, right = st.columns(2)
    left.download_button("Download the letter (PDF)", letter["pdf"], file_name=f"{case_id}-decision-letter.pdf",
                         mime="application/pdf", key="letter_pdf")
    right.download_button("Download the letter (HTML)", letter["html"], file_name=f"{case_id}-decision-letter.html",
                          mime="text/html", key="letter_html")
else:
    st.subheader("Holding letter to the applicant")
    st.caption("The panel has not decided yet: the decision letter is written once it has. Until then, this "
               "letter says only what happens next.")
    st.html(letter["html"])
    left, right = st.columns(2)
    left.download_button("Download the holding letter (PDF)", letter["pdf"],
                         file_name=f"{case_id}-holding-letter.pdf", mime="application/pdf", key="letter_pdf")
    right.download_button("Download the holding letter (HTML)", letter["html"],
                          file_name=f"{case_id}-holding-letter.html", mime="text/html", key="letter_html")
