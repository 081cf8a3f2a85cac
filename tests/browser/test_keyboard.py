"""A whole task by keyboard alone (WCAG 2.2 2.1.1 Keyboard, 2.4.7 Focus Visible): the chair signs in, opens
the Decision page, picks a case, fills the form and records the decision without a mouse. Each step moves
focus with Tab (and Shift+Tab) and acts with typing, Enter or Space; the test fails if a control cannot be
reached within a bounded number of key presses. Screenshot: tests/browser/artifacts/keyboard-decided.png."""

from __future__ import annotations

from pathlib import Path

from browser_helpers import settle, shot

from engine.store import open_store

CASE = "C-DEMO-001"
MAX_TABS = 120
# The focused control's name as assistive technology reads it: its aria-label or its label, or the text of a
# link or button (never the text of a container that happens to be focusable).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el) return "";
  const labelled = el.getAttribute("aria-label") || "";
  const byId = el.id ? (document.querySelector(`label[for="${el.id}"]`) || {}).innerText || "" : "";
  const own = ["A", "BUTTON"].includes(el.tagName) ? el.innerText || "" : "";
  return [labelled, byId, own].join(" | ");
}"""


def focus(page, words: str, backwards: bool = False) -> str:
    """Press Tab until the focused control's name contains `words`; return that name."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        name = page.evaluate(FOCUSED)
        if words in name:
            return name
    raise AssertionError(f"{words!r} cannot be reached by keyboard in {MAX_TABS} presses")


def test_sign_in_to_a_recorded_decision_by_keyboard_only(page, demo_db: Path):
    page.get_by_role("heading", name="Sign in").wait_for()
    focus(page, "Username")
    page.keyboard.type("demo-chair")
    focus(page, "Password")
    page.keyboard.type("demo-chair-pass")
    focus(page, "Sign in")
    page.keyboard.press("Enter")
    try:
        page.get_by_text("Signed in as").wait_for()
    except Exception:
        shot(page, "keyboard-sign-in-failed")
        raise
    settle(page)

    focus(page, "Decision")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Decision", exact=True).first.wait_for()
    settle(page)
    focus(page, "Case")
    page.keyboard.type(CASE)
    page.keyboard.press("Enter")
    settle(page)

    seats = page.get_by_label("absent? (if deciding without them)", exact=False)
    for i in range(seats.count()):
        focus(page, "absent? (if deciding without them)")
        page.keyboard.type(f"Synthetic: away ({i + 1}).")
    focus(page, "Rationale")
    page.keyboard.type("Synthetic rationale, entered by keyboard.")
    focus(page, "Record the decision")
    page.keyboard.press("Enter")
    page.get_by_text("demo-chair agreed with the recommendation").first.wait_for()
    shot(page, "keyboard-decided")

    store = open_store(f"sqlite:///{demo_db}")
    try:
        decision = store.decisions(CASE)[0]
        assert decision.chair == "demo-chair" and decision.rationale == "Synthetic rationale, entered by keyboard."
    finally:
        store.close()
