"""The migration builds exactly the ORM's schema, on both databases; opening is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from attacker import tamper as run_tampered
from sqlalchemy import create_engine, text

from engine.store import open_store
from engine.store.schema import Base


def test_migration_matches_the_orm(store, store_url):
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                           Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_reopening_keeps_the_data(store_url, clock):
    first = open_store(store_url, clock)
    first.add_user("demo-chair", "correct horse battery", "panel_chair")
    first.close()
    again = open_store(store_url, clock)
    try:
        assert [u.username for u in again.list_users()] == ["demo-chair"]
        assert again.schema_revision() == "0004_oh_release" and again.verify_chain().ok
    finally:
        again.close()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path, clock):
    store = open_store(f"sqlite:///{tmp_path / 'a' / 'b.db'}", clock)
    store.close()
    engine = create_engine(f"sqlite:///{tmp_path / 'a' / 'b.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"  # kept in the file
    engine.dispose()
    from engine.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    engine.dispose()


def test_default_url_is_the_environment_then_var(monkeypatch, tmp_path):
    from engine.store.db import DEFAULT_URL, resolve_url

    monkeypatch.delenv("FAIRCHANCE_DB", raising=False)
    assert resolve_url(None) == DEFAULT_URL == "sqlite:///var/fairchance.db"
    monkeypatch.setenv("FAIRCHANCE_DB", "sqlite:///elsewhere.db")
    assert resolve_url(None) == "sqlite:///elsewhere.db" and resolve_url("sqlite:///given.db") == "sqlite:///given.db"


def _legacy_store(url: str) -> None:
    """A store at schema 0001 as the earlier code wrote it: unkeyed SHA-256 events, a user event that
    covered part of the row."""
    from alembic import command
    from alembic.config import Config

    from engine.store.chain import GENESIS, digest, event_hash
    from engine.store.db import MIGRATIONS, WRITE, make_engine

    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        conn.execute(text("INSERT INTO users (username, password_hash, role, active, created_at) "
                          "VALUES ('demo-chair', 'x', 'panel_chair', :on, :at)"), {"on": True, "at": at})
        fields = {"seq": 1, "at": at, "actor": "cli", "action": "user.add", "entity": "user",
                  "entity_id": "demo-chair", "digest": digest({"username": "demo-chair", "role": "panel_chair",
                                                                "active": True}), "prev_hash": GENESIS}
        conn.execute(text("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, digest, prev_hash, hash) "
                          "VALUES (:seq, :at, :actor, :action, :entity, :entity_id, :digest, :prev_hash, :h)"),
                     {**fields, "h": event_hash(GENESIS, fields)})
    engine.dispose()


def test_a_0001_store_is_sealed_under_the_key(store_url, clock):
    _legacy_store(store_url)
    store = open_store(store_url, clock)
    try:
        events = store.audit_events()
        assert [(e.action, e.key_id is None) for e in events] == [("user.add", True), ("chain.keyed", False),
                                                                   ("user.baseline", False)]
        assert store.schema_revision() == "0004_oh_release" and store.verify_chain().ok
    finally:
        store.close()
    run_tampered(store_url, "audit_log", "UPDATE audit_log SET actor = 'other' WHERE seq = 1")
    again = open_store(store_url, clock)
    try:
        status = again.verify_chain()
        assert (status.ok, status.first_broken) == (False, 1)   # the legacy prefix is bound by the keyed event
    finally:
        again.close()
