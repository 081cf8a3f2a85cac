"""The audit chain: what it holds, that it verifies, that tampering with any row is found, and the triggers."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from attacker import run, tamper
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from engine.store.chain import GENESIS, event_hash
from engine.store.retention import apply_retention

APPEND_ONLY = ("audit_log", "case_versions", "rules_snapshots", "evaluations", "member_views", "decisions",
               "oh_outcomes", "access_log", "member_view_revisions")


def test_every_write_is_chained(busy, clock):
    events = busy.audit_events()
    assert [e.action for e in events] == ["user.add", "case.version", "rules.snapshot", "evaluation.record",
                                          "member_view.record", "member_view.revise", "decision.record",
                                          "oh_outcome.record", "access.log", "user.disable"]
    assert [e.seq for e in events] == list(range(1, 11))
    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert [e.actor for e in events][-2:] == ["demo-chair", "cli"]
    status = busy.verify_chain()
    assert (status.ok, status.events, status.first_broken, status.reason) == (True, 10, None, None)


def test_no_personal_data_in_chained_rows(busy, store_url):
    engine = create_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log")).all()
    engine.dispose()
    chained = " ".join(str(v) for row in rows for v in row)
    for personal in ("1995-07-09", "A-DEMO-002", "Theft", "homeless", "Synthetic note", "panel review",
                     "as recommended", "Peer Support Worker"):
        assert personal not in chained


def test_payload_deletion_keeps_the_chain(busy, store_url):
    """Retention removes payloads with an event for the case; the chain and the metadata still verify."""
    apply_retention(busy, date(2027, 7, 1), "cli")
    assert busy.verify_chain().ok
    assert busy.case_version("C-DEMO-002").data is None
    assert busy.evaluations("C-DEMO-002")[0].report is None
    assert busy.case_version("C-DEMO-002").content_hash  # what was there stays provable


TAMPERING = {
    "audit row altered": ("audit_log", "UPDATE audit_log SET actor = 'demo-other' WHERE seq = 4", 4, "altered"),
    "audit row deleted": ("audit_log", "DELETE FROM audit_log WHERE seq = 5", 5, "missing"),
    "decision changed": ("decisions", "UPDATE decisions SET final_outcome = 'appoint'", 7, "decision 1 differs"),
    "decision deleted": ("decisions", "DELETE FROM decisions", 7, "decision 1 was deleted"),
    "letter hash changed": ("decisions", "UPDATE decisions SET letter_hash = 'x'", 7, "decision 1 differs"),
    "case metadata changed": ("case_versions", "UPDATE case_versions SET reason = 'other'", 2, "case_version"),
    "evaluation outcome changed": ("evaluations", "UPDATE evaluations SET outcome = 'appoint'", 4, "evaluation 1"),
    "view changed": ("member_views", "UPDATE member_views SET view = 'cannot_appoint'", 5, "member_view 1"),
    "oh outcome changed": ("oh_outcomes", "UPDATE oh_outcomes SET note = 'x'", 8, "oh_outcome 1"),
    "access deleted": ("access_log", "DELETE FROM access_log", 9, "access 1 was deleted"),
    "view revision changed": ("member_view_revisions", "UPDATE member_view_revisions SET view = 'appoint'", 6,
                              "member_view_revision 1"),
    "rules snapshot changed": ("rules_snapshots", "UPDATE rules_snapshots SET files = '{}'", 3, "rules_snapshot"),
}


@pytest.mark.parametrize("kind", TAMPERING)
def test_tampering_is_found(busy, store_url, kind):
    table, sql, seq, why = TAMPERING[kind]
    tamper(store_url, table, sql)
    status = busy.verify_chain()
    assert not status.ok
    assert status.first_broken == seq and why in status.reason


def test_a_rehashed_event_is_found(busy, store_url):
    """An attacker who alters an event and recomputes its hash without the key is found at that event."""
    event = busy.audit_events()[5]
    fields = {"seq": event.seq, "at": event.at, "actor": "demo-other", "action": event.action,
              "entity": event.entity, "entity_id": event.entity_id, "digest": event.digest,
              "prev_hash": event.prev_hash, "key_id": event.key_id}
    tamper(store_url, "audit_log", "UPDATE audit_log SET actor = 'demo-other', hash = :hash WHERE seq = 6",
           hash=event_hash(event.prev_hash, fields))
    status = busy.verify_chain()
    assert (status.ok, status.first_broken) == (False, 6) and "keyed hash" in status.reason


def test_altered_payload_is_found(busy, store_url):
    run(store_url, "UPDATE case_payloads SET data = replace(data, 'Theft', 'Shoplifting')")
    status = busy.verify_chain()
    assert not status.ok and "case data of case_version id 1 differs" in status.reason


def test_row_inserted_behind_the_stores_back_is_found(busy, store_url):
    run(store_url, "INSERT INTO access_log (at, actor, case_id, data_kind, purpose) "
                   "VALUES ('2026-11-23 10:00:00+00', 'demo-x', 'C-DEMO-002', 'health', 'x')")
    status = busy.verify_chain()
    assert not status.ok and status.first_broken is None and "access 2 has no audit event" in status.reason


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_triggers_refuse_update_and_delete(busy, store_url, table):
    column = {"audit_log": "actor", "case_versions": "reason", "rules_snapshots": "files", "evaluations": "outcome",
              "member_views": "comment", "decisions": "rationale", "oh_outcomes": "note",
              "member_view_revisions": "comment",
              "access_log": "purpose"}[table]
    statements = [f"UPDATE {table} SET {column} = 'changed'", f"DELETE FROM {table}"]
    if store_url.startswith("postgresql"):
        statements.append(f"TRUNCATE {table} CASCADE")  # row triggers do not see TRUNCATE; a statement one does
    for sql in statements:
        with pytest.raises(DBAPIError, match="is refused: the table is append-only"):
            run(store_url, sql)
    assert busy.verify_chain().ok
