"""Sign in: a local account (argon2-hashed password in the store), or OIDC when it is configured."""

from __future__ import annotations

import streamlit as st
from panel_ui import session
from panel_ui.text import plain

from engine.services import access

st.title("Sign in")
ended = st.session_state.get(session.ENDED_KEY)
if ended:
    st.info(ended)

with st.form("sign_in"):
    username = st.text_input("Username", key="username")
    password = st.text_input("Password", type="password", key="password")
    submitted = st.form_submit_button("Sign in")
if submitted:
    result = access.sign_in(session.store(), username.strip(), password, session.client_address())
    if result.user is not None:
        session.sign_in(result.user)
        st.rerun()
    elif result.locked_until is not None:
        st.error("Sign-in refused: too many failed attempts. Try again later, or ask an administrator.")
    else:
        st.error("Sign-in failed: unknown username, wrong password or a disabled account.")

if session.oidc_configured():
    st.divider()
    st.caption("Or sign in with your organisation's account (your role comes from your fairchance account).")
    if st.button("Sign in with your organisation", key="oidc"):
        st.login()
    if st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        if st.session_state.get("oidc_refusal_logged") != email:   # once per identity, not every rerun
            access.log_sign_in_refusal(session.store(), email, "OIDC sign-in refused: no active fairchance account",
                                       session.client_address())
            st.session_state["oidc_refusal_logged"] = email
        st.error(f"{plain(st.user.get('email'))} has no active fairchance account; ask an administrator to add one "
                 "(fairchance users add).")
