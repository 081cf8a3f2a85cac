"""Helpers for the app tests: the seeded store, AppTest runs as an account, rendered text, markers."""

from __future__ import annotations

import copy
import html
import re
import time
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from engine.case.loader import read_document
from engine.report.rulebase import Rules
from engine.services.demo import DEMO_DIR
from engine.store import Store

MARKER_CASE = "C-MARK-001"
# Every clinical free-text field of the marker case carries one of these; none may reach a panel role.
MARKERS = {
    "episode summary": "MARKER-EPISODE-SUMMARY",
    "own care team": "MARKER-OWN-CARE-TEAM",
    "applicant account": "MARKER-APPLICANT-ACCOUNT",
}
NEEDS = ("morning_medication_side_effects", "rush_hour_travel_anxiety")   # need ids: clinical too
PAGES = ("views/queue.py", "views/new_case.py", "views/case_review.py", "views/decision.py",
         "views/oh_clinician.py", "views/auditor.py", "views/rules_steward.py")
ACCOUNT = {"panel_member": "demo-member", "panel_chair": "demo-chair", "oh_clinician": "demo-oh",
           "auditor": "demo-auditor", "rules_steward": "demo-steward"}


def marker_case() -> dict[str, Any]:
    """The OH demo case with markers in its clinical free text, and an episode linked to its record."""
    data, _ = read_document(DEMO_DIR / "oh-return-after-illness.yaml")
    data = copy.deepcopy(data)
    data["case_id"] = MARKER_CASE
    data["health"]["illness_episodes"][0]["summary"] = MARKERS["episode summary"]
    data["health"]["illness_episodes"][0]["linked_records"] = ["R1"]
    data["health"]["illness_episodes"][0]["linked_by"] = "applicant"
    data["health"]["own_care_team"] = MARKERS["own care team"]
    data["records"][0]["applicant_account"] = MARKERS["applicant account"]
    return data


@dataclass
class Seeded:
    url: str
    store: Store
    rules: Rules
    main: str

    def app(self, username: str | None = None, page: str | None = None, **state: Any) -> AppTest:
        """An AppTest run, signed in as `username` (skipping the sign-in form), on `page`."""
        at = AppTest.from_file(self.main, default_timeout=60)
        if username:
            at.session_state["user"] = self.store.get_user(username)
            at.session_state["last_seen"] = time.time()
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at


def rendered_text(at: AppTest) -> str:
    """Everything the run sent to the browser, as text (element protos, including table data)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    # Markdown escapes (panel_ui.text.plain) show as the character itself; protobuf text doubles the backslash.
    return re.sub(r"\\{1,2}([!-/:-@\[-`{-~])", r"\1", "\n".join(out))


def shown(markdown: str) -> str:
    """The text a Markdown source shows, as CommonMark renders it (markdown-it), tags stripped: what a
    reader sees. Escaped punctuation shows as itself."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def texts(elements: Any) -> list[str]:
    """What each element shows (its Markdown rendered to text)."""
    return [shown(str(e.value)) for e in elements]
