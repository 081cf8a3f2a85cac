"""No screen shows a raw outcome code, a JSON tree or an ISO date (issue 18). Each role signs in and visits every
page it is offered (the router's PAGES and rules/vocabularies/app-roles.yaml), on several demo cases where the
page shows one, opening every tab and every expander, and pressing the buttons that only show more (replay, the
audit report, the export, the casebank impact, an empty New case form's check). What is checked on each screen:

- the page's visible text, `inner_text("body")`;
- the cells of every grid: Streamlit draws them on a canvas, which inner_text cannot read, and keeps them in an
  accessible table that screen readers read, so that table's text is what a person sees or hears;
- no `stJson` element (a JSON tree).

Exclusions, each with its reason:
- outcome codes that are ordinary words (`appoint`, `fit`) are not searched for: "Recommendation: appoint." is a
  sentence, not a code; every code with an underscore is searched for as a whole word;
- on the Rules page, the text of code blocks (`stCode`): a rule's condition as written in its file, which the rules
  steward edits (there are none at present; the exclusion is there so that adding one is a decision, not a failure).
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from browser_helpers import go, nav_titles, settle, sign_in

from engine.report.rulebase import load_rules
from engine.services import access
from engine.services.demo import DECIDED_CASE

ROOT = Path(__file__).resolve().parents[2]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ACCOUNTS = {"panel_member": "demo-member", "panel_chair": "demo-chair", "oh_clinician": "demo-oh",
            "auditor": "demo-auditor", "rules_steward": "demo-steward"}
# Several cases on a page that shows one: twenty records (15 set aside), an OH outcome with illness dates, decided.
CASES = {"Case review": ["C-DEMO-003", "C-DEMO-004", DECIDED_CASE], "Decision": ["C-DEMO-003", DECIDED_CASE],
         "Occupational health": ["C-DEMO-004", "C-DEMO-003"]}
CHOOSER = {"Occupational health": "oh_case_pick"}     # the case chooser's key, where it is not case_pick
# Buttons that only show more (none writes a decision, a view or an outcome), by the tab they are on.
SHOW_MORE = {"Auditor": {"Replay": "Replay every decision", "Audit report": "Build the audit report",
                         "Pseudonymised export": "Prepare the export"},
             "Rules": {"Casebank impact": "Run the casebank under both rule versions"},
             "New case": {"Fill in a form": "Check and submit the case"}}


def router_pages() -> list[tuple[str, str]]:
    """(title, permission) of each page, read from PAGES in panel_app/streamlit_app.py (not copied here)."""
    tree = ast.parse((ROOT / "panel_app" / "streamlit_app.py").read_text(encoding="utf-8"))
    found = next(n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in n.targets))
    return [(title, permission) for _, title, _, permission in ast.literal_eval(found)]


def visits() -> list:
    policy = access.load_policy()
    out = []
    for role, username in ACCOUNTS.items():
        for title, permission in router_pages():
            if policy.allows(role, permission):
                out.append(pytest.param(username, title, id=f"{role}-{title.lower().replace(' ', '-')}"))
    return out


def outcome_codes() -> set[str]:
    """Every outcome code with an underscore: the recommendation's, the panel's own, and occupational health's."""
    rules = load_rules()
    oh = rules.book.get("oh.outcome").produces["oh_outcome"].values or []
    codes = {*access.recommendation_outcomes(rules), *access.decision_choices(date.today())["outcomes"], *oh}
    return {c for c in codes if "_" in c}


CODES = re.compile(r"\b(" + "|".join(sorted(outcome_codes())) + r")\b")


def open_case(page, title: str, case_id: str) -> None:
    """Type the case id into the page's case chooser and take it (a click does not always open the list once the
    page below has grown)."""
    box = page.locator(f".st-key-{CHOOSER.get(title, 'case_pick')} input").first
    box.fill("")
    box.press_sequentially(case_id)
    box.press("Enter")
    settle(page)
    assert box.input_value() == case_id, box.input_value()


def screen_text(page, title: str) -> str:
    settle(page)
    text = page.inner_text("body")
    if title == "Rules":
        for code in page.get_by_test_id("stCode").all_inner_texts():
            text = text.replace(code, "")
    cells = page.locator("[data-testid='stDataFrame'] td, [data-testid='stDataFrame'] [role='gridcell']")
    return text + "\n" + "\n".join(cells.all_text_contents())


def open_expanders(page) -> None:
    for summary in page.get_by_test_id("stExpander").locator("summary").all():
        if summary.is_visible() and summary.get_attribute("aria-expanded") != "true":
            summary.click()
    settle(page)


def problems_on(page, title: str, where: str) -> list[str]:
    open_expanders(page)
    text = screen_text(page, title)
    found = [f"{where}: ISO date {m}" for m in sorted(set(ISO_DATE.findall(text)))]
    found += [f"{where}: outcome code {m}" for m in sorted(set(CODES.findall(text)))]
    if page.get_by_test_id("stJson").count():
        found.append(f"{where}: a JSON tree")
    return found


def each_tab(page, title: str, where: str) -> list[str]:
    tabs = page.get_by_role("tab").all_inner_texts()
    if not tabs:
        return problems_on(page, title, where)
    found = []
    for name in tabs:
        page.get_by_role("tab", name=name, exact=True).click()
        settle(page)
        found += problems_on(page, title, f"{where}, tab {name}")
        button = SHOW_MORE.get(title, {}).get(name)
        if button and page.get_by_role("button", name=button).count():
            page.get_by_role("button", name=button).click()
            settle(page)
            found += problems_on(page, title, f"{where}, tab {name}, after '{button}'")
    return found


@pytest.mark.parametrize(("username", "title"), visits())
def test_no_code_json_or_iso_date_on_screen(page, username: str, title: str):
    sign_in(page, username)
    if title in nav_titles(page):   # a role with one page lands on it, with no page list
        go(page, title)
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    found = []
    for case_id in CASES.get(title, [None]):
        if case_id:
            open_case(page, title, case_id)
        found += each_tab(page, title, f"{title}{f' ({case_id})' if case_id else ''}")
    assert not found, "\n".join(found)
