"""Opening the database: the URL, SQLite's pragmas and write locking, and the schema migrations."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from engine.store.records import StoreError

DEFAULT_URL = "sqlite:///var/fairchance.db"
ENV_URL = "FAIRCHANCE_DB"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Write transactions on SQLite begin IMMEDIATE, taking the write lock before reading the chain head.
WRITE = "fairchance_write"
MIGRATION_LOCK_KEY = 0x6661697263680002


def resolve_url(url: str | None) -> str:
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so that writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"db: {url!r} is not a database URL (expected sqlite:///path or "
                         f"postgresql+psycopg://user@host/db)") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"db: the store runs on SQLite or PostgreSQL, not {parsed.get_backend_name()!r}")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Path(parsed.database)
    return None


def check_exists(url: str) -> None:
    """Refuse a URL with no store behind it (a mistyped --db must not create an empty store that verifies)."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise StoreError(f"db: there is no store at {path} (check --db or $FAIRCHANCE_DB; "
                         f"`fairchance db upgrade` creates one)")


def check_is_store(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            found = inspect(conn).has_table("alembic_version")
    except OperationalError as exc:
        raise StoreError(f"db: cannot open the store at {engine.url}: {exc.orig}") from exc
    if not found:
        raise StoreError(f"db: {engine.url} holds no fairchance store (check --db or $FAIRCHANCE_DB; "
                         f"`fairchance db upgrade` creates one)")


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; concurrent openers wait for each other. Returns the
    revision the database was at before (None for a new one)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before
