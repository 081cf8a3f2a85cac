"""Replay: every stored casebank report is reproduced exactly; tampering and rule changes show up."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from rules_copy import edit
from sqlalchemy import select, update

from engine.cli.main import main
from engine.report.rulebase import Rules, load_rules
from engine.services.casebank import casebank_files, split_expect
from engine.store import Store
from engine.store.chain import canonical
from engine.store.replay import json_paths, replay, write_diff
from engine.store.schema import ReportPayloadRow
from engine.store.service import evaluate_case, submit_case

CASEBANK = Path(__file__).resolve().parents[2] / "casebank"
RECENCY = "framework/recency.rules.yaml"


def store_casebank(store: Store, rules: Rules, files: list[Path]) -> dict[str, int]:
    """Submit and evaluate each file; the evaluation id of each case."""
    ids = {}
    for file in files:
        data, _, _ = split_expect(file)
        submit_case(store, rules, data, "demo-steward", "casebank case", str(file))
        ids[data["case_id"]] = evaluate_case(store, rules, data["case_id"], "demo-steward").id
    return ids


@pytest.fixture
def stored(store: Store, rules: Rules) -> dict[str, int]:
    """The framework cases: enough for the tests below; the first test stores the whole casebank."""
    return store_casebank(store, rules, casebank_files(CASEBANK / "framework"))


def test_every_casebank_case_is_reproduced_exactly(store: Store, rules: Rules) -> None:
    folders = {f.relative_to(CASEBANK).parts[0] for f in casebank_files(CASEBANK)}
    assert folders == {"legal", "framework", "oh"}
    stored = store_casebank(store, rules, casebank_files(CASEBANK))
    result = replay(store)
    assert len(result.rows) == len(stored) == len(casebank_files(CASEBANK))
    assert result.counts() == {"reproduced": len(stored)}
    assert result.defects == ()
    assert {r.case_id for r in result.rows} == set(stored)
    assert all(r.rules_now == r.rules_then for r in result.rows)
    # today's rules are the rules they were stored under: nothing changes
    assert replay(store, mode="current").counts() == {"unchanged": len(stored)}


def test_a_tampered_report_is_a_defect_naming_the_path(store: Store, stored: dict[str, int]) -> None:
    target = stored["CB-F-001"]
    with store.transaction() as s:
        text = s.scalar(select(ReportPayloadRow.report).where(ReportPayloadRow.evaluation_id == target))
        report = json.loads(text)
        assert report["recommendation"]["outcome"] == "appoint_with_safeguards"
        report["recommendation"]["outcome"] = "appoint"
        report["records"][0]["spent_on"] = "2030-01-01"
        s.execute(update(ReportPayloadRow).where(ReportPayloadRow.evaluation_id == target)
                  .values(report=canonical(report)))
    result = replay(store)
    assert [r.evaluation_id for r in result.defects] == [target]
    defect = result.defects[0]
    assert set(defect.paths) == {"recommendation.outcome", "records[0].spent_on"}
    assert defect.differences == 2
    assert defect.outcome_now == "appoint_with_safeguards"
    assert result.counts()["reproduced"] == len(stored) - 1


def test_the_commands_exit_1_on_a_defect_and_a_broken_chain(store: Store, stored: dict[str, int], store_url: str,
                                                             tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "diff"
    assert main(["audit", "replay", "--db", store_url, "--out", str(out), "--workers", "1"]) == 0
    assert main(["audit", "verify", "--db", store_url]) == 0
    assert "audit chain verifies" in capsys.readouterr().out
    target = stored["CB-F-004"]
    with store.transaction() as s:
        text = s.scalar(select(ReportPayloadRow.report).where(ReportPayloadRow.evaluation_id == target))
        s.execute(update(ReportPayloadRow).where(ReportPayloadRow.evaluation_id == target)
                  .values(report=text.replace('"outcome":"appoint"', '"outcome":"cannot_appoint"', 1)))
    assert main(["audit", "replay", "--db", store_url, "--out", str(out), "--workers", "1", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"] == {"reproduced": len(stored) - 1, "defect": 1}
    assert [(r["evaluation_id"], r["paths"]) for r in summary["rows"]] == [(target, ["outcome"])]
    assert pd.read_parquet(f"{out}.parquet")["status"].value_counts().to_dict() == summary["counts"]
    assert main(["audit", "verify", "--db", store_url]) == 1
    assert "differs from its recorded hash" in capsys.readouterr().out


def test_an_evaluation_without_its_rules_snapshot_is_a_defect(store: Store, rules: Rules) -> None:
    data, _, _ = split_expect(CASEBANK / "framework" / "001-seed-minor-offences-during-illness-with-plan.yaml")
    submit_case(store, rules, data, "demo-steward", "casebank case")
    stored = evaluate_case(store, rules, data["case_id"], "demo-steward")
    report = {**stored.report, "rules_version": "sha256:0000000000000000"}
    store.record_evaluation(data["case_id"], 1, report, "native", "demo-steward")
    result = replay(store)
    assert result.counts() == {"reproduced": 1, "defect": 1}
    assert result.defects[0].message == "no rules snapshot stored for sha256:0000000000000000"


def test_a_changed_rule_shows_in_current_mode(store: Store, stored: dict[str, int], rules_copy: Path) -> None:
    # Widen "recent" from under two years to under three: records two to three years old change recency.
    edit(rules_copy / RECENCY, '"< 2 years"', '"< 3 years"')
    edit(rules_copy / RECENCY, '"[2 years..5 years)"', '"[3 years..5 years)"')
    new_version = load_rules(rules_copy).version
    result = replay(store, mode="current", current_rules=rules_copy)
    changed, unchanged = result.changed, [r for r in result.rows if r.status == "unchanged"]
    assert changed and unchanged
    assert len(changed) + len(unchanged) == len(stored)
    assert all(r.rules_now == new_version != r.rules_then for r in result.rows)
    assert all(r.paths for r in changed)
    assert any(p.endswith(".factors.recency") for r in changed for p in r.paths)
    assert not any(p == "rules_version" for r in changed for p in r.paths)
    # at-decision still reproduces everything: the stored snapshots, not today's files, are used
    assert replay(store).counts() == {"reproduced": len(stored)}


def test_workers_give_the_same_rows(store: Store, stored: dict[str, int], store_url: str) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("one database is enough to compare one process with two")
    one, two = replay(store), replay(store, workers=2)
    assert two.workers == 2
    assert one.rows == two.rows


def test_the_diff_table_round_trips(store: Store, stored: dict[str, int], tmp_path: Path) -> None:
    result = replay(store)
    csv, parquet = write_diff(result, tmp_path / "out" / "replay")
    assert (csv.name, parquet.name) == ("replay.csv", "replay.parquet")
    back = pd.read_parquet(parquet)
    assert len(back) == len(pd.read_csv(csv)) == len(stored)
    assert set(back["status"]) == {"reproduced"}
    assert set(back["case_id"]) == set(stored)
    assert not back["outcome_changed"].any()


def test_json_paths() -> None:
    then = {"a": 1, "b": [1, 2], "c": {"d": True, "e": "x"}, "f": [1]}
    now = {"a": 1.0, "b": [1, 3], "c": {"d": 1}, "f": [1, 2], "g": None}
    assert list(json_paths(then, now)) == ["a", "b[1]", "c.d", "c.e", "f", "g"]
    assert list(json_paths(then, json.loads(json.dumps(then)))) == []
