"""The New case form (issue 18): a caution needs no sentence, a conviction may have several, "declared" is yes,
no or not asked, the check level and barred lists come from the setting, every problem shows at once in words
beside its field, nothing typed is lost, and dates are entered dd/mm/yyyy between 1900 and today."""

from __future__ import annotations

import re
from datetime import date

from app_helpers import Seeded, texts

FIELD_PATH = re.compile(r"\b(records|applicant|role|certificate|sentences)[.\[]|\bcase_id\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
BORN = date(1990, 4, 2)


def form(seeded: Seeded):
    return seeded.app("demo-chair", "views/new_case.py")


def fill_case(at, case_id: str, setting: str = "community") -> None:
    at.text_input(key="nc_case_id").input(case_id)
    at.date_input(key="nc_dob").set_value(BORN)
    at.selectbox(key="nc_setting").set_value(setting).run()


def add_record(at, n: int, kind: str, day: date) -> None:
    at.button(key="ncb_add_record").click().run()
    at.selectbox(key=f"nc_r{n}_kind").set_value(kind)
    at.date_input(key=f"nc_r{n}_date").set_value(day).run()


def add_sentence(at, r: int, s: int, kind: str, amount: int | None = None, unit: str = "months") -> None:
    at.button(key=f"ncb_r{r}_add_sentence").click().run()
    at.selectbox(key=f"nc_r{r}_s{s}_type").set_value(kind)
    if amount is not None:
        at.number_input(key=f"nc_r{r}_s{s}_amount").set_value(amount)
    at.selectbox(key=f"nc_r{r}_s{s}_unit").set_value(unit).run()


def submit(at) -> None:
    at.button(key="ncb_submit").click().run()
    assert not at.exception, [e.message for e in at.exception]


def stored(seeded: Seeded, case_id: str) -> dict:
    return seeded.store.case_version(case_id).data


def test_a_caution_without_a_sentence_is_accepted(seeded: Seeded):
    at = form(seeded)
    fill_case(at, "C-FORM-CAUTION")
    add_record(at, 1, "caution", date(2019, 3, 1))
    assert not at.get("number_input"), "a caution is offered no sentence"
    submit(at)
    assert any("C-FORM-CAUTION version 1 stored and evaluated" in s for s in texts(at.success)), texts(at.error)
    record = stored(seeded, "C-FORM-CAUTION")["records"][0]
    assert record["kind"] == "caution" and "sentences" not in record


def test_a_conviction_with_several_sentences(seeded: Seeded):
    at = form(seeded)
    fill_case(at, "C-FORM-SENTENCES")
    add_record(at, 1, "conviction", date(2018, 6, 1))
    add_sentence(at, 1, 2, "community_order", 12)
    add_sentence(at, 1, 3, "compensation_order")
    submit(at)
    assert any("C-FORM-SENTENCES version 1 stored" in s for s in texts(at.success)), texts(at.error)
    sentences = stored(seeded, "C-FORM-SENTENCES")["records"][0]["sentences"]
    assert sentences == [{"type": "community_order", "length": {"months": 12}}, {"type": "compensation_order"}]


def test_declared_is_yes_no_or_not_asked(seeded: Seeded):
    at = form(seeded)
    fill_case(at, "C-FORM-DECLARED")
    for n, answer in enumerate(("not asked", "no", "yes"), start=1):
        add_record(at, n, "caution", date(2015 + n, 1, 1))
        assert at.radio(key=f"nc_r{n}_declared").value == "not asked", "nothing is assumed"
        at.radio(key=f"nc_r{n}_declared").set_value(answer).run()
    submit(at)
    records = stored(seeded, "C-FORM-DECLARED")["records"]
    assert "self_disclosed" not in records[0], "not asked: the case says nothing (never 'not declared')"
    assert (records[1]["self_disclosed"], records[2]["self_disclosed"]) == (False, True)


def test_check_level_and_barred_lists_come_from_the_setting(seeded: Seeded):
    at = form(seeded)
    assert at.selectbox(key="nc_level").value is None, "no check level is assumed"
    at.selectbox(key="nc_setting").set_value("community").run()
    assert at.selectbox(key="nc_level").value == "enhanced"
    assert at.multiselect(key="nc_checks").value == ["adults"] == at.multiselect(key="nc_regulated").value
    assert any("Enhanced check, with the barred list for adults" in c for c in texts(at.caption))
    at.selectbox(key="nc_setting").set_value("recovery_college").run()
    assert at.selectbox(key="nc_level").value == "standard" and at.multiselect(key="nc_checks").value == []
    at.multiselect(key="nc_duties").set_value(["children_contact"]).run()
    assert at.selectbox(key="nc_level").value == "enhanced" and at.multiselect(key="nc_checks").value == ["children"]


def test_every_problem_at_once_in_words_beside_its_field_and_nothing_is_lost(seeded: Seeded):
    at = form(seeded)
    at.selectbox(key="nc_setting").set_value("community").run()
    at.text_input(key="nc_title").input("Peer Support Worker")
    add_record(at, 1, "conviction", date(2020, 1, 1))          # no sentence
    at.text_input(key="nc_r1_offence").input("Theft from a shop")
    add_record(at, 2, "caution", date(2021, 5, 1))
    at.selectbox(key="nc_r2_kind").set_value("youth_caution").run()   # given only to under-18s
    submit(at)                                                  # no case id, no date of birth either
    errors = texts(at.error)
    beside = [e for e in errors if not e.startswith(("4 problems", "3 problems"))]
    assert any(e.startswith("Case id: This is needed") for e in beside), errors
    assert any(e.startswith("Date of birth: This is needed") for e in beside), errors
    assert any(e.startswith("Record 1, sentences:") and "at least one sentence" in e for e in beside), errors
    summary = next(e for e in errors if "problems to put right" in e)
    assert summary.startswith("3 problems"), "the youth caution needs an age, so it waits for the date of birth"
    for text in errors:
        assert not FIELD_PATH.search(text) and not ISO_DATE.search(text) and "_" not in text, text
    assert at.text_input(key="nc_title").value == "Peer Support Worker"          # nothing typed is lost
    assert at.text_input(key="nc_r1_offence").value == "Theft from a shop"
    assert at.date_input(key="nc_r2_date").value == date(2021, 5, 1)
    at.text_input(key="nc_case_id").input("C-FORM-ALL")
    at.date_input(key="nc_dob").set_value(BORN)
    submit(at)                                                  # now the age is known: the youth caution is wrong
    assert any(e.startswith("Record 2, kind of record:") and "under-18s" in e and "youth caution" in e
               for e in texts(at.error)), texts(at.error)
    assert "C-FORM-ALL" not in [c.case_id for c in seeded.store.list_cases()]


def test_dates_are_entered_dd_mm_yyyy_between_1900_and_today(seeded: Seeded):
    at = form(seeded)
    add_record(at, 1, "caution", date(2019, 3, 1))
    for key in ("nc_dob", "nc_r1_date", "nc_issued"):
        proto = at.date_input(key=key).proto
        assert proto.format == "DD/MM/YYYY" and "dd/mm/yyyy" in proto.label
        assert (proto.min, proto.max) == (str(date(1900, 1, 1)), str(date.today())), key
    at.date_input(key="nc_dob").set_value(BORN).run()
    assert "Taken as 2 April 1990." in texts(at.caption), "the date taken is said back in words"


def test_the_decision_date_uses_the_same_helper(seeded: Seeded):
    at = seeded.app("demo-chair", "views/decision.py", case_id="C-DEMO-002")
    proto = at.date_input(key="d_on").proto
    assert proto.format == "DD/MM/YYYY" and proto.label == "Decided on (dd/mm/yyyy)"
    assert (proto.min, proto.max) == (str(date(1900, 1, 1)), str(date.today()))
