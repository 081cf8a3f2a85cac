"""The case list, the access log and the decisions read a page at a time, filtered and counted in the database
(engine/store/case_list.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from store_cases import PANEL_ABSENT, SAFEGUARDS, case_data

from engine.report.rulebase import Rules
from engine.store import AccessFilter, CaseFilter, Store, StoreError
from engine.store.service import evaluate_case, submit_case

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
NEW = 27            # cases stored and never evaluated: due dates one a day from 1 October 2026
ROLES = ("Peer Support Worker", "Recovery College Peer Trainer", "Peer 100% Mentor")


def _new_case(n: int) -> dict:
    data = case_data(SAFEGUARDS, f"C-NEW-{n:03d}")
    data["assessed_on"] = date(2026, 10, 1) + timedelta(days=n)
    data["role"] = {**data["role"], "title": ROLES[n % len(ROLES)]}
    return data


@pytest.fixture
def queued(store: Store, rules: Rules, clock) -> Store:
    """27 new cases arriving a day apart from 1 September 2026; C-EVAL (evaluated) and C-DONE (decided) on
    10 September, C-DONE with an OH outcome."""
    for n in range(NEW):
        clock.at = START + timedelta(days=n)
        submit_case(store, rules, _new_case(n), "demo-panel", "entered")
    clock.at = START + timedelta(days=9)
    for case_id in ("C-EVAL", "C-DONE"):
        submit_case(store, rules, case_data(SAFEGUARDS, case_id), "demo-panel", "entered")
        evaluation = evaluate_case(store, rules, case_id, "demo-panel")
    store.record_decision(evaluation.id, "demo-chair", "appoint_with_safeguards", True, "as recommended",
                          date(2026, 9, 20), None, "demo-chair", absences=PANEL_ABSENT)
    store.record_oh_outcome(evaluation.id, "demo-oh", "fit", [], None, "Synthetic note.", "demo-oh")
    return store


def test_a_page_at_a_time_by_due_date(queued: Store) -> None:
    first = queued.cases_page(CaseFilter(), 0, 25)
    assert (first.matching, first.total, len(first.rows)) == (NEW + 2, NEW + 2, 25)
    due = [c.assessed_on for c in first.rows]
    assert due == sorted(due) and first.rows[0].case_id == "C-NEW-000"     # due 1 October 2026
    second = queued.cases_page(CaseFilter(), 25, 25)
    assert len(second.rows) == NEW + 2 - 25
    assert not {c.case_id for c in first.rows} & {c.case_id for c in second.rows}
    everything = [c.case_id for c in first.rows + second.rows]
    assert sorted(everything) == sorted(c.case_id for c in queued.list_cases())


def test_filters_run_in_the_database(queued: Store) -> None:
    def ids(wanted: CaseFilter) -> list[str]:
        return sorted(c.case_id for c in queued.cases_page(wanted, 0, 100).rows)

    assert ids(CaseFilter(statuses=("decided",))) == ["C-DONE"]
    assert ids(CaseFilter(statuses=("evaluated", "decided"))) == ["C-DONE", "C-EVAL"]
    assert len(ids(CaseFilter(statuses=("new",)))) == NEW
    assert ids(CaseFilter(outcomes=("appoint_with_safeguards",))) == ["C-DONE", "C-EVAL"]
    assert ids(CaseFilter(text="c-new-00")) == [f"C-NEW-{n:03d}" for n in range(10)]       # any case
    assert ids(CaseFilter(text="RECOVERY college")) == [f"C-NEW-{n:03d}" for n in range(1, NEW, 3)]
    assert ids(CaseFilter(text="100%")) == [f"C-NEW-{n:03d}" for n in range(2, NEW, 3)]    # % is a character
    assert ids(CaseFilter(text="_")) == []                                                # and _ too
    page = queued.cases_page(CaseFilter(statuses=("new",), text="c-new-01"), 0, 3)
    assert (page.matching, len(page.rows), page.total) == (10, 3, NEW + 2)


def test_overdue_means_not_decided_and_arrived_before_the_cut_off(queued: Store) -> None:
    cut_off = START + timedelta(days=9, hours=12)     # after C-EVAL and C-DONE arrived
    overdue = queued.cases_page(CaseFilter(arrived_before=cut_off), 0, 100)
    assert sorted(c.case_id for c in overdue.rows) == sorted([f"C-NEW-{n:03d}" for n in range(10)] + ["C-EVAL"])
    assert all(c.created_at < cut_off and c.status != "decided" for c in overdue.rows)
    counted = queued.cases_page(CaseFilter(text="c-new-02"), 0, 5, overdue_before=cut_off)
    assert (counted.matching, counted.overdue, counted.total) == (7, 11, NEW + 2)    # overdue in the whole store
    assert queued.cases_page(CaseFilter(), 0, 5).overdue is None


def test_each_summary_says_what_the_queue_needs(queued: Store) -> None:
    done = {c.case_id: c for c in queued.list_cases()}["C-DONE"]
    assert (done.status, done.outcome, done.oh_recorded, done.latest_version) == (
        "decided", "appoint_with_safeguards", True, 1)
    assert START + timedelta(days=9) < done.created_at < done.decided_at < START + timedelta(days=10)
    new = {c.case_id: c for c in queued.list_cases()}["C-NEW-004"]
    assert (new.status, new.outcome, new.oh_recorded, new.role_title) == ("new", None, False, ROLES[1])


def test_a_page_is_bounded(queued: Store) -> None:
    with pytest.raises(StoreError, match=r"^limit:"):
        queued.cases_page(CaseFilter(), 0, 10_000)
    with pytest.raises(StoreError, match=r"^statuses:"):
        queued.cases_page(CaseFilter(statuses=("lost",)), 0, 10)


def test_the_access_log_filtered_and_paged(queued: Store, clock) -> None:
    for n, (actor, case_id) in enumerate([("demo-chair", "C-NEW-001"), ("demo-member", "C-NEW-002"),
                                          ("demo-chair", "C-EVAL"), ("demo-auditor", "C-NEW-011")]):
        clock.at = datetime(2026, 10, 1 + n, 12, 0, tzinfo=UTC)
        queued.log_access(actor, case_id, "criminal_record", "case review")
    assert [a.case_id for a in queued.access_log(None, AccessFilter(actor="demo-chair"))] == ["C-NEW-001", "C-EVAL"]
    assert [a.actor for a in queued.access_log(None, AccessFilter(case_text="new-00"))] == ["demo-chair",
                                                                                         "demo-member"]
    window = AccessFilter(since=datetime(2026, 10, 2, tzinfo=UTC), until=datetime(2026, 10, 4, tzinfo=UTC))
    assert [a.case_id for a in queued.access_log(None, window)] == ["C-NEW-002", "C-EVAL"]
    assert queued.access_log_count(window) == 2
    newest = queued.access_log(None, AccessFilter(), 0, 2, newest_first=True)
    assert [a.case_id for a in newest] == ["C-NEW-011", "C-EVAL"]
    assert queued.access_log_actors() == ["demo-auditor", "demo-chair", "demo-member"]
    assert queued.access_log("C-EVAL") == queued.access_log(None, AccessFilter(case_text="c-eval"))


def test_decisions_a_page_at_a_time(queued: Store) -> None:
    found, count = queued.decisions_page("done", 0, 10)
    assert count == 1 and [d.case_id for d in found] == ["C-DONE"]
    assert queued.decisions_page("new", 0, 10) == ([], 0)
