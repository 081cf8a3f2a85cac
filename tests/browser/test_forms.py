"""The New case form, the case review and its timeline in a real browser (issue 18): dates typed dd/mm/yyyy, a
date out of range refused where it is typed, sentences per conviction and a caution without one, every problem
beside its field with nothing typed lost, then the case stored; the review in words with its timeline. Each step
is a screenshot in tests/browser/artifacts/ (forms-*.png), scanned by axe-core like every other."""

from __future__ import annotations

import re

from browser_helpers import CHART, chart_drawn, go, pick_case, settle, shot, sign_in

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def field(page, key: str):
    """A widget by its key: Streamlit gives its container the class st-key-<key>."""
    return page.locator(f".st-key-{key}")


def choose(page, key: str, option: str) -> None:
    """Type into the select box and take the first match (steadier than opening its list by a click)."""
    field(page, key).locator("input").first.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    settle(page)


def type_date(page, key: str, digits: str) -> None:
    """Type the day, month and year into the date's segments; it is taken when the field loses focus."""
    field(page, key).get_by_role("spinbutton").first.click()
    page.keyboard.type(digits)
    page.get_by_role("heading", name="New case", exact=True).click()
    settle(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).last.click()
    settle(page)


def test_new_case_form(page):
    sign_in(page, "demo-chair")
    go(page, "New case")
    page.get_by_role("tab", name="Fill in a form", exact=True).click()
    settle(page)
    shot(page, "forms-new-case-empty")
    field(page, "nc_case_id").locator("input").fill("C-B-FORM-001")
    choose(page, "nc_setting", "Community team")
    proposed = "Filled in from the setting and duties: Enhanced check, with the barred list for adults"
    page.get_by_text(proposed).wait_for()
    type_date(page, "nc_dob", "01012030")                 # a birth date in the future is refused where typed
    assert field(page, "nc_dob").get_by_text("outside allowed range").count(), field(page, "nc_dob").inner_text()

    click(page, "Add a record")
    choose(page, "nc_r1_kind", "Conviction")
    type_date(page, "nc_r1_date", "01062018")
    field(page, "nc_r1_offence").locator("input").fill("Theft from a shop")
    click(page, "Add a sentence")
    choose(page, "nc_r1_s2_type", "Community order")
    field(page, "nc_r1_s2_amount").locator("input").fill("12")
    field(page, "nc_r1_s2_amount").locator("input").press("Enter")
    settle(page)
    click(page, "Add a sentence")
    choose(page, "nc_r1_s3_type", "Compensation order")
    click(page, "Add a record")                           # rows are numbered in the order added: this is row 4
    choose(page, "nc_r4_kind", "Simple caution")
    type_date(page, "nc_r4_date", "01032019")
    field(page, "nc_r4_declared").get_by_text("yes", exact=True).click()
    settle(page)
    assert page.get_by_role("button", name="Add a sentence").count() == 1, "only the conviction takes sentences"

    click(page, "Check and submit the case")              # the date of birth is still missing
    page.get_by_text("problem to put right").first.wait_for()
    errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert any("Date of birth: This is needed." in e for e in errors), errors
    assert not any(ISO_DATE.search(e) or "records[" in e for e in errors), errors
    assert field(page, "nc_case_id").locator("input").input_value() == "C-B-FORM-001"      # nothing typed is lost
    assert field(page, "nc_r1_offence").locator("input").input_value() == "Theft from a shop"
    shot(page, "forms-new-case-problems")

    type_date(page, "nc_dob", "02041990")
    page.get_by_text("Taken as 2 April 1990.").wait_for()
    click(page, "Check and submit the case")
    page.get_by_text(re.compile(r"C-B-FORM-001 version 1 stored and evaluated: ")).wait_for()
    shot(page, "forms-new-case-stored")


def test_case_review_and_timeline(page):
    sign_in(page, "demo-member")
    go(page, "Case review")
    pick_case(page, "C-DEMO-003")
    chart_drawn(page)
    header = page.get_by_text(re.compile(r"^C-DEMO-003 version 1 · ")).inner_text()
    assert "sha256" not in header and "rules as at" in header, header
    page.get_by_text("15 records are set aside because").wait_for()
    labels = page.get_by_test_id("stExpander").locator("summary").all_inner_texts()    # an icon's name, then it
    listed = {m.group(1) for t in labels for m in re.finditer(r"(?m)^(R\d+) ", t)}
    assert listed == {"R4", "R13", "R18", "R19", "R20"}, listed       # the records set aside are only counted
    assert not page.get_by_role("button", name="Show the clinical detail").count()
    page.get_by_test_id("stExpander").filter(has_text="R18 Benefit fraud").first.click()
    page.get_by_text(re.compile(r"Sentence 1, suspended sentence order: term of 6 months")).first.wait_for()
    assert page.locator(CHART).first.locator("canvas, svg").first.bounding_box()["height"] > 150
    shot(page, "forms-case-review-member")


def test_the_auditor_sees_past_protected_days_and_the_rules_version(page):
    sign_in(page, "demo-auditor")
    go(page, "Case review")
    pick_case(page, "C-DEMO-003")
    chart_drawn(page)
    page.get_by_test_id("stExpander").filter(has_text="Rules version (for audit)").click()
    page.get_by_text(re.compile(r"Rules version sha256:\w+, engine ")).wait_for()
    page.get_by_test_id("stExpander").filter(has_text="R3 ").first.click()
    page.get_by_text("protected from 13 November 2007").first.wait_for()
    shot(page, "forms-case-review-auditor")
