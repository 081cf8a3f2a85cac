"""The signed-in person, the store and the rules, for every page; idle sessions end.

At every rerun (every click) the user, their role and their enabled flag are read again from the store
(one query by the unique username), so a disabled account is signed out, and a changed role takes
effect, at its next click.

Settings (environment): FAIRCHANCE_DB (the store URL), FAIRCHANCE_SESSION_IDLE_MINUTES (default from
rules/policy/sign-in.yaml, 30; FAIRCHANCE_IDLE_MINUTES is the older name), FAIRCHANCE_DEMO (set by
`make run`: shows the synthetic-data banner).
"""

from __future__ import annotations

import os
import time

import streamlit as st

from engine.report.rulebase import Rules, load_rules
from engine.services.access import AccessDenied, AccessPolicy, load_policy, load_sign_in_policy
from engine.store import Store, User, open_store
from panel_ui.text import plain

IDLE_ENV = ("FAIRCHANCE_SESSION_IDLE_MINUTES", "FAIRCHANCE_IDLE_MINUTES")
USER_KEY = "user"
SEEN_KEY = "last_seen"
ENDED_KEY = "session_ended"


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    return open_store(url)


@st.cache_resource(show_spinner=False)
def _rules() -> Rules:
    return load_rules()


def store() -> Store:
    return _store(os.environ.get("FAIRCHANCE_DB"))


def rules() -> Rules:
    return _rules()


def policy() -> AccessPolicy:
    return load_policy()


def idle_minutes() -> float:
    for name in IDLE_ENV:
        if os.environ.get(name):
            return float(os.environ[name])
    return load_sign_in_policy().session.idle_minutes


def client_address() -> str | None:
    """The client's address as Streamlit sees it (behind a proxy: the proxy's), for the sign-in lockout."""
    try:
        return st.context.ip_address
    except Exception:   # no request context (AppTest, bare mode)
        return None


def demo() -> bool:
    return os.environ.get("FAIRCHANCE_DEMO", "") not in ("", "0")


def oidc_configured() -> bool:
    """OIDC sign-in (st.login) only when .streamlit/secrets.toml has an [auth] section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[SEEN_KEY] = time.time()
    st.session_state.pop(ENDED_KEY, None)


def sign_out(reason: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if reason:
        st.session_state[ENDED_KEY] = reason


def _oidc_user() -> User | None:
    """The store account named by the identity provider's e-mail; its role comes from the store."""
    if not (oidc_configured() and st.user.is_logged_in):
        return None
    found = store().get_user(str(st.user.get("email") or ""))
    return found if found and found.active else None


def _end(reason: str) -> None:
    sign_out(reason)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def current_user() -> User | None:
    """The signed-in user as the store has them now, or None; ends the session after the idle timeout or
    when the account has been disabled or removed."""
    user = st.session_state.get(USER_KEY) or _oidc_user()
    if user is None:
        return None
    now = time.time()
    if now - st.session_state.get(SEEN_KEY, now) > idle_minutes() * 60:
        _end(f"Your session ended after {idle_minutes():g} minutes without activity. Please sign in again.")
        return None
    fresh = store().get_user(user.username)
    if fresh is None or not fresh.active:
        _end("Your session ended: the account is no longer active.")
        return None
    st.session_state[USER_KEY] = fresh
    st.session_state[SEEN_KEY] = now
    return fresh


def signed_in() -> User:
    """For a page: the user, or stop the page (the router only offers pages to a signed-in user)."""
    user = current_user()
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    return user


def refused(exc: AccessDenied) -> None:
    st.error(plain(f"Access refused: {exc}"))
