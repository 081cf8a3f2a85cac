"""The auditors' export: keyed pseudonyms, no case ids, usernames, names or free text, years of birth only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from engine.cli.main import main
from engine.report.rulebase import Rules
from engine.services.casebank import split_expect
from engine.store import Store, StoreError
from engine.store.export import export_store
from engine.store.service import evaluate_case, submit_case

FRAMEWORK = Path(__file__).resolve().parents[2] / "casebank" / "framework"
SALT = "demo-salt-0123456789abcdef"
RATIONALE = "Panel rationale text RATIONALE-MARKER"
COMMENT = "Member comment COMMENT-MARKER"
PURPOSE = "Access purpose PURPOSE-MARKER"
REASON = "Version reason REASON-MARKER"
USERS = ("demo-steward", "demo-chair", "demo-member", "demo-clinician")


def _free_text(data: dict) -> list[str]:
    """Every free-text value of a case file: offence descriptions, accounts, clinical summaries, teams."""
    texts = [r[k] for r in data.get("records", []) for k in ("offence", "applicant_account") if r.get(k)]
    health = data.get("health") or {}
    texts += [e["summary"] for e in health.get("illness_episodes", []) if e.get("summary")]
    texts += [v for v in (health.get("own_care_team"), (data.get("role") or {}).get("team")) if v]
    texts += [v for v in [(data.get("applicant") or {}).get("name")] if v]
    return texts


@pytest.fixture
def filled(store: Store, rules: Rules, clock) -> list[dict]:
    clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    cases = []
    for file in sorted(FRAMEWORK.glob("00[1-3]-*.yaml")):
        data, _, _ = split_expect(file)
        data["applicant"]["name"] = f"Alex NAME-MARKER {data['case_id']}"   # for the letter only
        submit_case(store, rules, data, "demo-steward", REASON)
        evaluation = evaluate_case(store, rules, data["case_id"], "demo-steward")
        store.record_member_view(evaluation.id, "demo-member", "peer_worker", evaluation.outcome, COMMENT,
                                 "demo-member")
        store.record_decision(evaluation.id, "demo-chair", evaluation.outcome, True, RATIONALE, date(2026, 1, 20),
                              "Discussed the record with the applicant.", "demo-chair", chair_role="hr",
                              absences={"general_manager": "Synthetic test: on leave."})
        store.record_oh_outcome(evaluation.id, "demo-clinician", evaluation.report["occupational_health"]["outcome"],
                                [], None, "OH note NOTE-MARKER", "demo-clinician")
        store.mark_oh_ready(data["case_id"], "demo-clinician")
        store.record_oh_answer(data["case_id"], True, "Agreed ANSWER-MARKER", "demo-clinician")
        store.log_access("demo-chair", data["case_id"], "criminal_record", PURPOSE)
        cases.append(data)
    assert any(_free_text(c) for c in cases)
    return cases


def _everything(folder: Path) -> str:
    """All the export's text: each CSV file, and each Parquet table rendered as CSV."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))]
    texts += [pd.read_parquet(p).to_csv(index=False) for p in sorted(folder.glob("*.parquet"))]
    return "\n".join(texts)


def test_no_ids_usernames_or_free_text(store: Store, filled: list[dict], tmp_path: Path) -> None:
    result = export_store(store, tmp_path, SALT)
    assert not result.salt_generated and result.salt == SALT
    text = _everything(tmp_path)
    forbidden = [c["case_id"] for c in filled] + [c["applicant"]["ref"] for c in filled] + list(USERS)
    forbidden += [t for c in filled for t in _free_text(c)]
    forbidden += ["RATIONALE-MARKER", "COMMENT-MARKER", "PURPOSE-MARKER", "REASON-MARKER", "NOTE-MARKER",
                  "ANSWER-MARKER",
                  "Discussed the record"]
    forbidden += [c["applicant"]["date_of_birth"].isoformat() for c in filled]
    assert [f for f in forbidden if f in text] == []
    cases = pd.read_parquet(tmp_path / "cases.parquet")
    assert sorted(cases["birth_year"]) == sorted(c["applicant"]["date_of_birth"].year for c in filled)
    assert result.rows == {"cases": 3, "evaluations": 3, "records": sum(len(c["records"]) for c in filled),
                           "decisions": 3, "member_views": 3, "oh_outcomes": 3, "oh_releases": 6,
                           "access_log": 3}


def test_pseudonyms_join_across_tables_and_depend_on_the_salt(store: Store, filled: list[dict],
                                                             tmp_path: Path) -> None:
    export_store(store, tmp_path / "a", SALT)
    export_store(store, tmp_path / "b", SALT)
    export_store(store, tmp_path / "c", SALT[::-1])
    a = {n: pd.read_parquet(tmp_path / "a" / f"{n}.parquet") for n in ("cases", "evaluations", "decisions",
                                                                        "member_views", "access_log")}
    assert set(a["cases"]["case"]) == set(a["evaluations"]["case"]) == set(a["decisions"]["case"])
    assert set(a["decisions"]["evaluation"]) == set(a["evaluations"]["evaluation"])
    assert set(a["decisions"]["chair"]) == set(a["access_log"]["actor"])   # demo-chair, pseudonymised alike
    assert set(a["member_views"]["member"]).isdisjoint(a["decisions"]["chair"])
    assert a["cases"]["case"].str.fullmatch(r"C-[0-9a-f]{16}").all()
    b = pd.read_parquet(tmp_path / "b" / "cases.parquet")
    c = pd.read_parquet(tmp_path / "c" / "cases.parquet")
    assert b["case"].tolist() == a["cases"]["case"].tolist()
    assert set(c["case"]).isdisjoint(a["cases"]["case"])


def test_rationales_only_with_the_flag(store: Store, filled: list[dict], tmp_path: Path) -> None:
    export_store(store, tmp_path, SALT, include_rationales=True)
    text = _everything(tmp_path)
    for marker in ("RATIONALE-MARKER", "COMMENT-MARKER", "PURPOSE-MARKER", "REASON-MARKER"):
        assert marker in text
    never = [c["case_id"] for c in filled] + list(USERS) + [t for c in filled for t in _free_text(c)]
    assert [f for f in never + ["NOTE-MARKER"] if f in text] == []


def test_a_generated_salt_is_returned(store: Store, filled: list[dict], tmp_path: Path) -> None:
    result = export_store(store, tmp_path)
    assert result.salt_generated and len(result.salt) == 64
    assert result.salt not in _everything(tmp_path)


def test_a_short_salt_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="salt: expected at least 16 characters"):
        export_store(store, tmp_path, "short")


def test_the_commands(store: Store, filled: list[dict], store_url: str, tmp_path: Path,
                      capsys: pytest.CaptureFixture) -> None:
    assert main(["audit", "export", "--db", store_url, "--out", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    salt = out.split("salt (generated; keep it secret and apart from the export): ")[1].split()[0]
    assert len(salt) == 64 and "decisions: 3 rows" in out
    assert main(["audit", "export", "--db", store_url, "--out", str(tmp_path / "y"), "--salt", salt]) == 0
    assert "salt" not in capsys.readouterr().out
    assert pd.read_csv(tmp_path / "x" / "cases.csv")["case"].tolist() == \
        pd.read_csv(tmp_path / "y" / "cases.csv")["case"].tolist()
    assert main(["audit", "export", "--db", store_url, "--out", str(tmp_path / "z"), "--salt", "short"]) == 2
    assert "salt: expected at least 16 characters" in capsys.readouterr().err
