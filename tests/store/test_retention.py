"""Retention: payloads of old decisions go, the decision and the chain stay, replay skips them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rules_copy import edit
from store_cases import PANEL_ABSENT

from engine.cli.main import main
from engine.files.problems import InputError
from engine.report.rulebase import Rules
from engine.services.casebank import split_expect
from engine.store import Store
from engine.store.replay import replay
from engine.store.retention import ACTION, POLICY_FILE, apply_retention, load_policy
from engine.store.service import evaluate_case, submit_case

FRAMEWORK = Path(__file__).resolve().parents[2] / "casebank" / "framework"
TODAY = date(2026, 11, 23)
# case -> decided_on: six months after 2026-05-22 is 2026-11-22, before TODAY; after 2026-05-23 is TODAY itself.
DECIDED = {"CB-F-001": date(2026, 5, 22), "CB-F-002": date(2026, 5, 23), "CB-F-003": date(2026, 10, 1),
           "CB-F-004": None, "CB-F-005": date(2026, 1, 10)}


def _decide(store: Store, evaluation_id: int, outcome: str, on: date) -> None:
    store.record_decision(evaluation_id, "demo-chair", outcome, True, "Agrees with the recommendation.", on,
                          "Discussed the record with the applicant.", "demo-chair", absences=PANEL_ABSENT)


@pytest.fixture
def cases(store: Store, rules: Rules, clock) -> dict[str, int]:
    clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ids = {}
    for file in sorted(FRAMEWORK.glob("00[1-5]-*.yaml")):
        data, _, _ = split_expect(file)
        submit_case(store, rules, data, "demo-steward", "casebank case")
        evaluation = evaluate_case(store, rules, data["case_id"], "demo-steward")
        ids[data["case_id"]] = evaluation.id
        if DECIDED[data["case_id"]]:
            _decide(store, evaluation.id, evaluation.outcome, DECIDED[data["case_id"]])
    # CB-F-005 was decided long ago but has a newer version since: open again, so kept.
    reopened = store.case_version("CB-F-005").data
    store.add_case_version(reopened, "demo-steward", "the applicant applied again")
    assert set(ids) == set(DECIDED)
    return ids


def test_the_project_policy_loads() -> None:
    policy = load_policy(TODAY)
    assert policy.keep_after_decision.in_months == 6
    assert "DBS" in policy.source and "six months" in policy.source


def test_only_old_decisions_lose_their_payloads(store: Store, cases: dict[str, int]) -> None:
    events_before = len(store.audit_events())
    result = apply_retention(store, TODAY, "demo-steward")
    assert [r.case_id for r in result.removed] == ["CB-F-001"]
    assert (result.case_payloads, result.report_payloads, result.keep_months) == (1, 1, 6)
    assert store.case_version("CB-F-001").data is None
    assert store.evaluations("CB-F-001")[0].report is None
    for kept in ("CB-F-002", "CB-F-003", "CB-F-004", "CB-F-005"):
        assert store.case_version(kept, 1).data is not None
        assert store.evaluations(kept)[0].report is not None
    # the decision and its metadata stay, and the chain still verifies
    assert [d.final_outcome for d in store.decisions("CB-F-001")] == [store.evaluations("CB-F-001")[0].outcome]
    assert store.case_version("CB-F-001").content_hash
    assert store.verify_chain().ok
    events = store.audit_events()
    assert len(events) == events_before + 1
    assert (events[-1].action, events[-1].entity, events[-1].entity_id) == (ACTION, "case", "CB-F-001")


def test_replay_reports_removed_rows_as_skipped(store: Store, cases: dict[str, int]) -> None:
    apply_retention(store, TODAY, "demo-steward")
    result = replay(store)
    assert result.defects == ()
    assert [r.case_id for r in result.skipped] == ["CB-F-001"]
    assert "removed by retention" in result.skipped[0].message
    assert result.counts() == {"reproduced": len(cases) - 1, "skipped": 1}


def test_a_dry_run_removes_nothing_and_a_second_run_finds_nothing(store: Store, cases: dict[str, int]) -> None:
    events_before = len(store.audit_events())
    dry = apply_retention(store, TODAY, "demo-steward", dry_run=True)
    assert [r.case_id for r in dry.removed] == ["CB-F-001"] and dry.dry_run
    assert store.case_version("CB-F-001").data is not None
    assert len(store.audit_events()) == events_before
    apply_retention(store, TODAY, "demo-steward")
    again = apply_retention(store, TODAY, "demo-steward")
    assert again.removed == ()
    assert len(store.audit_events()) == events_before + 1


def test_the_period_is_read_from_the_policy_file(store: Store, cases: dict[str, int], rules_copy: Path) -> None:
    edit(rules_copy / POLICY_FILE, "keep_after_decision: {months: 6}", "keep_after_decision: {months: 12}")
    result = apply_retention(store, TODAY, "demo-steward", rules_dir=rules_copy)
    assert result.removed == () and result.keep_months == 12
    later = apply_retention(store, date(2027, 5, 23), "demo-steward", rules_dir=rules_copy)
    assert [r.case_id for r in later.removed] == ["CB-F-001"]


def test_a_bad_policy_file_names_the_field(rules_copy: Path) -> None:
    edit(rules_copy / POLICY_FILE, "keep_after_decision: {months: 6}", "keep_after_decisions: {months: 6}")
    with pytest.raises(InputError) as caught:
        load_policy(TODAY, rules_copy)
    messages = [str(p) for p in caught.value.problems]
    assert any("retention.yaml" in m and "keep_after_decisions" in m and "unknown field" in m for m in messages)
    assert all(p.line for p in caught.value.problems)


def test_no_policy_in_force_is_an_error(rules_copy: Path) -> None:
    with pytest.raises(InputError, match="expected exactly one policy in force on 2010-01-01, found none"):
        load_policy(date(2010, 1, 1), rules_copy)


def test_the_command(store: Store, cases: dict[str, int], store_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["retention", "apply", "--db", store_url, "--today", "2026-11-23", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove 1 case payloads and 1 report payloads from 1 cases" in out and "CB-F-001" in out
    assert store.case_version("CB-F-001").data is not None
    assert main(["retention", "apply", "--db", store_url, "--today", "2026-11-23", "--actor", "demo-steward"]) == 0
    assert "removed 1 case payloads" in capsys.readouterr().out
    assert store.case_version("CB-F-001").data is None
    assert store.audit_events()[-1].actor == "demo-steward"
