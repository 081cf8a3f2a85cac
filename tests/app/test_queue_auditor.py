"""AppTest: the queue a page at a time with filters and the overdue flag (rules/policy/queue.yaml), the case
chooser, and the auditor's page: chain verification on demand, decision history, replay as a table in words,
the audit report, the access log filtered by case, person and days, and an export that never shows its salt.
Neither page shows a raw outcome code, a Python dict or an ISO date in its text."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from app_helpers import Seeded, rendered_text, texts

from engine.case.loader import read_document
from engine.services import access
from engine.services.demo import DECIDED_CASE, DEMO_DIR
from engine.store import open_store
from engine.store.service import submit_case

OLD = 3             # synthetic cases that arrived 40 days ago, never decided: overdue
FRESH = 27          # synthetic cases that arrive now
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _synthetic(n: int, due: date) -> dict:
    data, _ = read_document(DEMO_DIR / "peer-support-worker.yaml")
    data = copy.deepcopy(data)
    data["case_id"], data["assessed_on"] = f"C-SYN-{n:03d}", due
    return data


@pytest.fixture(scope="module")
def crowded(seeded: Seeded) -> Seeded:
    """The demo store and 30 synthetic cases (stored, not evaluated): the first three arrived 40 days ago and
    are due first."""
    past = open_store(seeded.url, clock=lambda: datetime.now(UTC) - timedelta(days=40))
    try:
        for n in range(OLD):
            submit_case(past, seeded.rules, _synthetic(n, date(2026, 1, 1)), "demo-seed", "synthetic, arrived early")
    finally:
        past.close()
    for n in range(OLD, OLD + FRESH):
        submit_case(seeded.store, seeded.rules, _synthetic(n, date(2026, 6, 1)), "demo-seed", "synthetic")
    return seeded


def _caption(at) -> str:
    return next(c for c in texts(at.caption) if c.startswith(("Cases ", "No cases")))


def _codes(seeded: Seeded) -> list[str]:
    return [w for w in access.outcome_words(seeded.rules) if "_" in w]


def test_the_queue_pages_in_the_database(crowded: Seeded):
    at = crowded.app("demo-chair", "views/queue.py")
    total = len(crowded.store.list_cases())
    waiting = total - 1                                  # the decided demo case is filtered out by default
    assert _caption(at) == (f"Cases 1 to 25 of {waiting} matching ({total} in all), by due date; "
                            f"page 1 of {-(-waiting // 25)}")
    assert len(at.dataframe[0].value) == 25
    at.button(key="q_page_next").click().run()
    assert _caption(at).startswith(f"Cases 26 to {min(50, waiting)} of {waiting} matching")
    assert at.dataframe[0].value["case_id"].tolist()[0] not in ("C-SYN-000",)
    at.text_input(key="q_text").input("syn-00").run()          # a new filter starts at page 1
    assert _caption(at).startswith("Cases 1 to 10 of 10 matching")
    assert all(c.startswith("C-SYN-00") for c in at.dataframe[0].value["case_id"])


def test_overdue_cases_are_flagged_and_can_be_listed_alone(crowded: Seeded):
    at = crowded.app("demo-chair", "views/queue.py")
    days = access.load_queue_policy().overdue.days_without_decision
    assert f"{OLD} cases are overdue: no decision {days} days after arriving" in " ".join(texts(at.warning))
    first = at.dataframe[0].value
    flagged = first[first["Overdue"] == "Overdue"]["case_id"].tolist()
    assert flagged == [f"C-SYN-{n:03d}" for n in range(OLD)]                 # due first, so on page 1
    assert set(first[first["Overdue"] == "Overdue"]["Waiting since arrival"]) == {"40 days"}
    at.checkbox(key="q_overdue").check().run()
    assert _caption(at).startswith(f"Cases 1 to {OLD} of {OLD} matching")
    assert set(at.dataframe[0].value["Overdue"]) == {"Overdue"}


def test_the_queue_speaks_in_words(crowded: Seeded):
    at = crowded.app("demo-chair", "views/queue.py")
    at.multiselect(key="q_status").set_value(["evaluated", "decided"]).run()
    shown = at.dataframe[0].value
    assert "Appoint with safeguards" in shown["Recommendation or decision"].tolist()
    assert set(shown["status"]) <= set(access.status_words().values())
    text = rendered_text(at)
    assert not [c for c in _codes(crowded) if c in text]
    for shown_text in texts(at.caption) + texts(at.warning) + texts(at.markdown):
        assert not ISO_DATE.search(shown_text), shown_text


def test_opening_a_case_from_the_queue(crowded: Seeded):
    at = crowded.app("demo-chair", "views/queue.py")
    at.text_input(key="q_text").input("demo-00").run()
    at.selectbox(key="q_pick").set_value("C-DEMO-003").run()
    at.button(key="q_open").click().run()
    assert texts(at.title) == ["Case review"]
    assert at.selectbox(key="case_pick").value == "C-DEMO-003"


def test_the_case_chooser_finds_a_case_without_listing_them_all(crowded: Seeded):
    at = crowded.app("demo-member", "views/case_review.py", case_id="C-DEMO-002")
    assert at.selectbox(key="case_pick").value == "C-DEMO-002"
    at.text_input(key="case_find").input("SYN-029").run()
    assert at.selectbox(key="case_pick").options == ["C-DEMO-002", "C-SYN-029"]   # the open case stays first
    found = access.case_choices(crowded.store, crowded.store.get_user("demo-member"), "", None, 5)
    assert len(found["ids"]) == 5 and found["matching"] == len(crowded.store.list_cases())


def test_the_chain_is_verified_on_demand(seeded: Seeded):
    at = seeded.app("demo-auditor", "views/auditor.py")
    assert not texts(at.success)                         # reading every row waits for the button
    at.button(key="chain_run").click().run()
    assert any(s.startswith("Audit chain verified: ") for s in texts(at.success))


def test_decision_history_in_words_and_filtered(seeded: Seeded):
    at = seeded.app("demo-auditor", "views/auditor.py")
    history = at.dataframe[0].value
    row = history[history["case_id"] == DECIDED_CASE].iloc[0]
    assert row["recommended"] == row["final_outcome"] == seeded.rules.wording.outcomes["appoint"].label
    assert "demo-member (an HR representative): Appoint" in row["members"]
    decided = seeded.store.decisions(DECIDED_CASE)[0].decided_on
    assert any(t.startswith(f"{DECIDED_CASE} on {decided.day} ") and "agreed with the recommendation (Appoint)" in t
               for t in texts(at.markdown))
    at.text_input(key="history_case").input("C-NOTHING").run()
    assert "No decisions match." in texts(at.info)


def test_replay_is_a_summary_table_in_words(seeded: Seeded):
    at = seeded.app("demo-auditor", "views/auditor.py")
    at.button(key="replay_run").click().run()
    evaluations = len(list(seeded.store.iter_evaluations()))
    assert f"{evaluations} evaluations replayed under the rules then in force." in texts(at.markdown)
    summary = at.get("table")[0].value
    assert summary.index.tolist() == ["Reproduced exactly"] and summary["Evaluations"].tolist() == [str(evaluations)]
    assert "byte for byte" in summary["What it means"].iloc[0]
    text = rendered_text(at)
    assert "{'reproduced'" not in text and "'reproduced':" not in text
    assert "Download every row (CSV, with the rules versions and codes)" in [b.label for b in
                                                                            at.get("download_button")]


def test_the_audit_report_charts_and_tables(seeded: Seeded):
    at = seeded.app("demo-auditor", "views/auditor.py")
    at.button(key="report_run").click().run()
    assert len(at.get("image")) == 5, "one chart per figure of the audit report"
    titles = [e.label for e in at.expander]
    assert "Time to decision (days from the case's arrival to the decision being recorded)" in titles
    assert not [c for c in _codes(seeded) if c in rendered_text(at)]


def _log_rows(at) -> list[dict]:
    frames = [d.value for d in at.dataframe if "purpose" in d.value.columns]
    return frames[0].to_dict("records") if frames else []


def test_the_access_log_filtered_by_case_person_and_days(seeded: Seeded):
    seeded.store.log_access("demo-member", "C-DEMO-006", "health", "synthetic: filter test")
    at = seeded.app("demo-auditor", "views/auditor.py")
    at.text_input(key="log_case").input("demo-006").run()
    rows = _log_rows(at)
    assert rows and {r["case_id"] for r in rows} == {"C-DEMO-006"}
    at.selectbox(key="log_person").set_value("demo-member").run()
    rows = _log_rows(at)
    assert rows and {(r["person"], r["case_id"]) for r in rows} == {("demo-member", "C-DEMO-006")}
    assert "Health" in {r["data_kind"] for r in rows}                       # the data kind in words
    today = datetime.now(UTC).date()
    at.date_input(key="log_since").set_value(today + timedelta(days=2)).run()
    assert not _log_rows(at) and "No entries match: change the case, person or days." in texts(at.info)
    at.date_input(key="log_since").set_value(today - timedelta(days=1))
    at.date_input(key="log_until").set_value(today + timedelta(days=1)).run()
    assert _log_rows(at)


def test_the_export_says_what_it_wrote_and_never_shows_the_salt(seeded: Seeded):
    at = seeded.app("demo-auditor", "views/auditor.py")
    at.button(key="export_run").click().run()
    prepared = at.session_state["export_zip"]
    salt = prepared["salt_file"].decode().strip()
    text = rendered_text(at)
    assert len(salt) >= 16 and salt not in text
    said = [t for t in texts(at.markdown) if t.startswith("Wrote 8 tables into fairchance-export.zip")]
    assert said and "cases (" in said[0] and "{" not in said[0]
    assert [b.label for b in at.get("download_button")][-2:] == [
        "Download the pseudonymised export (zip)", "Download the salt (keep it apart from the export)"]
    at.text_input(key="export_salt").input("a salt the auditor keeps, 32 chars").run()
    at.button(key="export_run").click().run()
    assert "Download the salt (keep it apart from the export)" not in [b.label for b in at.get("download_button")]
    assert "a salt the auditor keeps" not in rendered_text(at)


def test_the_oh_list_is_one_query_and_can_be_limited(crowded: Seeded):
    oh = crowded.store.get_user("demo-oh")
    evaluation = crowded.store.evaluations("C-DEMO-001")[-1].id
    crowded.store.record_oh_outcome(evaluation, "demo-oh", "fit", [], None, "Synthetic note.", "demo-oh")
    everything = access.oh_queue(crowded.store, oh)
    assert len(everything) == len(crowded.store.list_cases())
    assert [c["case_id"] for c in access.oh_queue(crowded.store, oh, text="syn-00", limit=4)] == [
        "C-SYN-000", "C-SYN-001", "C-SYN-002", "C-SYN-003"]
    recorded = {c["case_id"] for c in everything if c["oh_recorded"]}
    assert "C-DEMO-001" in recorded
    assert recorded == {c.case_id for c in crowded.store.list_cases() if crowded.store.oh_outcomes(c.case_id)}
