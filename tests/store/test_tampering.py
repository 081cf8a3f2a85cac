"""The tampering matrix of issue 15: each way someone with database access (but not the audit key or the
anchor) could rewrite the record, and how `audit verify` finds it, on SQLite and PostgreSQL.

The `busy` store's events: 1 user.add demo-chair, 2 case.version, 3 rules.snapshot, 4 evaluation.record,
5 member_view.record, 6 member_view.revise, 7 decision.record, 8 oh_outcome.record, 9 access.log,
10 user.disable demo-chair.
"""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from attacker import drop_triggers, rewrite_chain, run, tamper
from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from store_cases import REFER, case_data
from test_store_cli import _cli

from engine.store import open_store
from engine.store.chain import digest
from engine.store.keys import new_secret
from engine.store.schema import CaseVersionRow, DecisionRow, expected_triggers
from engine.store.service import submit_case

CHAINED = ("access_log", "oh_outcomes", "decisions", "member_view_revisions", "member_views", "report_payloads",
           "evaluations",
           "rules_snapshots", "case_payloads", "case_versions", "users", "audit_log")


def _found(store, *words: str):
    status = store.verify_chain()
    assert not status.ok
    text = "\n".join(status.problems)
    assert status.reason == status.problems[0]
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    return status


def _record_digest(url: str, table, key, change) -> str:
    """The digest a row would have after `change` (what an attacker recomputes)."""
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            row = s.scalar(select(table).where(key))
            change(row)
            out = digest(row.record())
            s.rollback()
            return out
    finally:
        engine.dispose()


def test_the_untouched_store_verifies(busy):
    status = busy.verify_chain()
    assert (status.ok, status.events, status.problems) == (True, 10, ())
    assert all(e.key_id for e in busy.audit_events())


def test_deleting_the_last_events_and_their_rows(busy, store_url):
    drop_triggers(store_url)
    run(store_url, "DELETE FROM audit_log WHERE seq >= 7")
    run(store_url, "DELETE FROM oh_outcomes")
    run(store_url, "DELETE FROM access_log")
    run(store_url, "UPDATE users SET active = :on", on=True)   # undo the disable whose event went
    status = _found(busy, "the anchor outside the store records event 10, but the chain ends at event 6")
    assert status.first_broken == 7


def test_emptying_every_chained_table(busy, store_url):
    drop_triggers(store_url)
    for table in CHAINED:
        run(store_url, f"DELETE FROM {table}")
    status = _found(busy, "records event 10, but the chain ends at event 0", "users_no_delete on users is missing")
    assert status.events == 0


def test_changing_a_users_role(busy, store_url):
    run(store_url, "UPDATE users SET role = 'auditor', active = :on WHERE username = 'demo-chair'", on=True)
    assert _found(busy, "user demo-chair differs from the digest its event recorded").first_broken == 10


def test_swapping_a_password_hash(busy, store_url):
    run(store_url, "UPDATE users SET password_hash = :h", h=PasswordHasher().hash("attacker's password"))
    _found(busy, "user demo-chair differs from the digest its event recorded")


def test_inserting_a_user(busy, store_url):
    run(store_url, "INSERT INTO users (username, password_hash, role, active, created_at) "
                   "VALUES ('intruder', :h, 'auditor', :on, '2026-11-23 10:00:00+00')",
        h=PasswordHasher().hash("x"), on=True)
    status = _found(busy, "user intruder has no audit event")
    assert status.first_broken is None


def test_deleting_a_user(busy, store_url):
    with pytest.raises(DBAPIError, match="DELETE on users is refused"):
        run(store_url, "DELETE FROM users")
    tamper_users = [("users", "users_no_delete")]
    drop_triggers(store_url, tamper_users)
    run(store_url, "DELETE FROM users")
    _found(busy, "user demo-chair was deleted", "users_no_delete on users is missing")


def test_editing_a_decision_and_recomputing_the_hashes(busy, store_url):
    new = _record_digest(store_url, DecisionRow, DecisionRow.id == 1, lambda r: setattr(r, "rationale", "other"))
    tamper(store_url, "decisions", "UPDATE decisions SET rationale = 'other'")
    drop_triggers(store_url, [("audit_log", "audit_log_no_update")])
    rewrite_chain(store_url, 7, {7: new})   # SHA-256 in place of the HMAC, key ids kept
    status = _found(busy, "do not match its keyed hash")
    assert status.first_broken == 7


def test_editing_a_case_and_recomputing_the_hashes_unkeyed(busy, store_url):
    new = _record_digest(store_url, CaseVersionRow, CaseVersionRow.id == 1, lambda r: setattr(r, "reason", "x"))
    tamper(store_url, "case_versions", "UPDATE case_versions SET reason = 'x'")
    drop_triggers(store_url, [("audit_log", "audit_log_no_update")])
    rewrite_chain(store_url, 2, {2: new}, keyed=False)   # as if written before keying
    _found(busy, "not keyed but comes after keyed events")


def test_editing_a_case_and_recomputing_the_hashes_with_an_own_key(busy, store_url):
    new = _record_digest(store_url, CaseVersionRow, CaseVersionRow.id == 1, lambda r: setattr(r, "reason", "x"))
    tamper(store_url, "case_versions", "UPDATE case_versions SET reason = 'x'")
    drop_triggers(store_url, [("audit_log", "audit_log_no_update")])
    rewrite_chain(store_url, 1, {2: new}, key=new_secret())   # the whole chain, under a key of the attacker's
    status = _found(busy, "neither the current nor a retired key")
    assert status.first_broken == 1


@pytest.mark.parametrize("keyed", [True, False], ids=["with-the-key-id", "unkeyed"])
def test_appending_a_well_formed_event(busy, store_url, keyed):
    head = busy.audit_events()[-1]
    run(store_url, "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, digest, prev_hash, hash, "
                   "key_id) VALUES (11, '2026-11-23 10:00:00+00', 'cli', 'chain.note', 'store', 'x', :d, :p, "
                   "'0', :k)", d=digest({}), p=head.hash, k=head.key_id if keyed else None)
    drop_triggers(store_url, [("audit_log", "audit_log_no_update")])
    rewrite_chain(store_url, 11, keyed=keyed)
    status = _found(busy, "do not match its keyed hash" if keyed else "not keyed but comes after keyed events")
    assert status.first_broken == 11


def test_deleting_the_payload_of_an_undecided_case(busy, store_url, rules):
    submit_case(busy, rules, case_data(REFER), "demo-panel", "entered")
    assert busy.verify_chain().ok
    run(store_url, "DELETE FROM case_payloads WHERE case_version_id = 2")   # payload tables accept DELETE
    _found(busy, "case data of CB-F-013 version 1", "deleted with no retention event")


def test_every_dropped_trigger_is_reported(busy, store_url):
    engine = create_engine(store_url)
    dialect = engine.dialect.name
    engine.dispose()
    expected = sorted(expected_triggers(dialect))
    assert ("users", "users_no_delete") in expected and len(expected) == (32 if dialect == "postgresql" else 21)
    for dropped in expected:
        drop_triggers(store_url, [dropped])
        _found(busy, f"the guard trigger {dropped[1]} on {dropped[0]} is missing")


def test_a_disabled_or_defanged_trigger_is_reported(busy, store_url):
    if store_url.startswith("postgresql"):
        run(store_url, "ALTER TABLE decisions DISABLE TRIGGER decisions_no_update")
    else:
        drop_triggers(store_url, [("decisions", "decisions_no_update")])
        run(store_url, "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions BEGIN SELECT 1; END")
    _found(busy, "decisions_no_update on decisions is missing, disabled or no longer refuses")


def test_a_table_added_behind_the_stores_back_is_reported(busy, store_url):
    run(store_url, "CREATE TABLE shadow_users (username text)")
    _found(busy, "the table shadow_users is not one the store keeps")


def test_a_missing_anchor_is_reported(busy):
    busy.anchor_file.unlink()
    _found(busy, "there is no anchor at")


def test_a_mistyped_db_is_an_error_not_a_new_store(store_url, tmp_path, monkeypatch, capsys):
    if store_url.startswith("sqlite"):
        typo = f"sqlite:///{tmp_path / 'typo' / 'stroe.db'}"
        expected = "there is no store at"
    else:
        typo = store_url   # a database that exists but holds no store
        expected = "holds no fairchance store"
    for argv in (["audit", "verify"], ["audit", "report", "--out", str(tmp_path / "r")], ["users", "list"],
                 ["users", "disable", "x"], ["retention", "apply"]):
        code, out, err = _cli(monkeypatch, capsys, [*argv, "--db", typo])
        assert (code, out) == (2, "") and expected in err, argv
    assert not (tmp_path / "typo").exists()
    if store_url.startswith("postgresql"):
        code, _, err = _cli(monkeypatch, capsys, ["audit", "verify", "--db", store_url.rsplit("/", 1)[0] + "/nope"])
        assert code == 2 and "cannot open the store" in err


def test_verify_on_the_command_line(busy, store_url, monkeypatch, capsys):
    code, out, _ = _cli(monkeypatch, capsys, ["audit", "verify", "--db", store_url])
    assert code == 0 and out.startswith("audit chain verifies: 10 events, keyed, matching the anchor")
    run(store_url, "UPDATE users SET role = 'auditor'")
    drop_triggers(store_url, [("decisions", "decisions_no_update")])
    code, out, _ = _cli(monkeypatch, capsys, ["audit", "verify", "--json", "--db", store_url])
    result = json.loads(out)
    assert code == 1 and not result["ok"] and len(result["problems"]) == 2


def test_key_rotation_keeps_old_events_verifiable(busy, store_url, monkeypatch, capsys):
    code, out, _ = _cli(monkeypatch, capsys, ["audit", "rotate-key", "--db", store_url])
    assert code == 0 and "appended" in out
    rotated = open_store(store_url)
    try:
        rotated.add_user("demo-new", "correct horse battery", "auditor")
        ids = [e.key_id for e in rotated.audit_events()]
        assert len(set(ids)) == 2 and ids[-1] != ids[0] and rotated.verify_chain().ok
    finally:
        rotated.close()
    key_file = next(p for p in busy.anchor_file.parent.iterdir() if p.name.endswith("audit-key"))
    lines = key_file.read_text().splitlines()
    key_file.write_text("\n".join(line for line in lines[:-2]) + "\n" + lines[-1] + "\n")   # the retired key lost
    retired = open_store(store_url)
    try:
        _found(retired, "neither the current nor a retired key")
    finally:
        retired.close()
