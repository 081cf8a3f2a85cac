"""The migration builds exactly the ORM's schema, on both databases; opening is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
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
        assert again.schema_revision() == "0003_decisions_letters" and again.verify_chain().ok
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
