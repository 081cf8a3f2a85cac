"""Decision: each member records a view; the chair records the decision (agree or override) with a
mandatory rationale, one case at a time; the applicant letter to preview and download."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from panel_ui import session
from panel_ui.cases import forget, open_case, words
from panel_ui.tables import day, table
from panel_ui.text import plain

from engine.services import access

user = session.signed_in()
st.title("Decision")
data = open_case(user)
case_id = data["case_id"]

evaluation = data["evaluation"]
if evaluation is None:
    st.warning("This case has not been evaluated yet.")
    st.stop()
recommended = evaluation["outcome"]
outcomes = access.recommendation_outcomes(session.rules())
st.subheader(f"Recommendation: {words(recommended)}")   # a vocabulary word
st.markdown(plain(data["report"]["recommendation"]["because"]))


def saved(write) -> None:
    try:
        write()
    except access.AccessDenied as exc:
        session.refused(exc)
    except ValueError as exc:       # StoreError: names the field and what is missing
        st.error(plain(f"Not recorded: {exc}"))
    else:
        forget()
        st.session_state["decision_saved"] = True
        st.rerun()


if st.session_state.pop("decision_saved", False):
    st.success("Recorded.")

st.subheader("Members' views")
table(data["member_views"], {"member": "Member", "panel_role": "Role on the panel", "view": "View",
                             "comment": "Comment", "recorded_at": "Recorded"}, empty="No views recorded yet.")

decision = data["decision"]
if decision:
    st.subheader("Decision")
    verdict = "agreed with the recommendation" if decision["agrees"] else "overrode the recommendation"
    outcome = words(decision["final_outcome"])
    st.success(f"{plain(decision['chair'])} {verdict}: **{plain(outcome)}** on {plain(day(decision['decided_on']))}")
    st.markdown(f"**Rationale:** {plain(decision['rationale'])}")
    if decision["applicant_discussion"]:
        st.markdown(f"**Discussion with the applicant:** {plain(decision['applicant_discussion'])}")
elif session.policy().allows(user.role, "record_member_view"):
    with st.form("member_view"):
        st.markdown("**Your view** (your own, recorded under your name)")
        panel_role = st.text_input("Your role on the panel", placeholder="peer worker, HR, general manager...",
                                   key="mv_role")
        view = st.selectbox("Your view", outcomes, index=outcomes.index(recommended), format_func=words,
                            key="mv_view")
        comment = st.text_area("Comment", key="mv_comment")
        if st.form_submit_button("Record my view"):
            saved(lambda: access.record_member_view(session.store(), user, evaluation["id"], panel_role, view,
                                                    comment))
elif session.policy().allows(user.role, "record_decision"):
    with st.form("decision"):
        st.markdown(f"**The panel's decision on {plain(case_id)}** (this case only)")
        choice = st.radio("The panel", ["agrees with the recommendation", "overrides the recommendation"],
                          key="d_choice")
        final = st.selectbox("Final outcome (when overriding)", [o for o in outcomes if o != recommended],
                             format_func=words, key="d_final")
        rationale = st.text_area("Rationale (required, whether agreeing or overriding)", key="d_rationale")
        discussion = st.text_area("Discussion with the applicant (required before any withdrawal of the offer)",
                                  key="d_discussion")
        decided_on = st.date_input("Decided on", value=dt.date.today(), key="d_on")
        if st.form_submit_button("Record the decision"):
            agrees = choice.startswith("agrees")
            saved(lambda: access.record_decision(session.store(), user, evaluation["id"], agrees,
                                                 None if agrees else final, rationale, decided_on, discussion))

else:
    try:
        access.require(user, "record_decision")
    except access.AccessDenied as exc:
        st.info(plain(f"Read only. {exc}"))

st.subheader("Letter to the applicant")
letter = data["report"]["explanation"]["applicant_letter"]
with st.expander("Preview the letter"):
    st.text(letter)
st.download_button("Download the letter", letter, file_name=f"{case_id}-letter.txt", mime="text/plain",
                   key="letter_download")
