"""The fairchance panel app: a router that offers each signed-in person the pages of their role.

Run: FAIRCHANCE_DB=sqlite:///var/demo.db streamlit run panel_app/streamlit_app.py (see docs/panel-app.md).
Pages only call engine/services/access.py, which enforces the role again where the data is fetched.
"""

from __future__ import annotations

import streamlit as st
from panel_ui import session
from panel_ui.text import plain

# Each page and the permission a role needs for it to be offered (rules/vocabularies/app-roles.yaml).
PAGES = (
    ("views/queue.py", "Queue", ":material/list:", "view_queue"),
    ("views/new_case.py", "New case", ":material/add:", "submit_case"),
    ("views/case_review.py", "Case review", ":material/fact_check:", "view_case_review"),
    ("views/decision.py", "Decision", ":material/gavel:", "view_case_review"),
    ("views/oh_clinician.py", "Occupational health", ":material/health_and_safety:", "view_clinical"),
    ("views/auditor.py", "Auditor", ":material/policy:", "run_replay"),
    ("views/rules_steward.py", "Rules", ":material/menu_book:", "view_rules"),
)

st.set_page_config(page_title="fairchance panel", page_icon=":material/balance:", layout="wide")
if session.demo():
    st.warning("**Synthetic demo data**: every case and account here is invented for demonstration.",
               icon=":material/science:")

# WCAG 2.2 AA (Public Sector Bodies Accessibility Regulations 2018), where Streamlit's defaults fall short: captions
# darker than its faded grey (4.5:1 on white), and date-field segments at least 24 pixels wide (target size).
st.markdown("<style>[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] p "
            "{color: #4d4d4d !important; opacity: 1 !important}"
            "[role='spinbutton'] {display: inline-block; min-width: 24px; min-height: 24px; text-align: center}"
            "</style>", unsafe_allow_html=True)

user = session.current_user()
if user is None:
    pages = [st.Page("views/sign_in.py", title="Sign in", icon=":material/login:", default=True)]
else:
    policy = session.policy()
    pages = [st.Page(path, title=title, icon=icon) for path, title, icon, permission in PAGES
             if policy.allows(user.role, permission)]
    with st.sidebar:
        st.caption(f"Signed in as **{plain(user.display_name or user.username)}** "
                   f"({plain(user.role.replace('_', ' '))})")
        if st.button("Sign out", key="sign_out"):
            session.sign_out()
            st.rerun()
st.navigation(pages).run()
