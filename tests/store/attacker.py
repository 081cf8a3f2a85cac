"""Someone with direct database access: drops a guard trigger, then changes rows behind the store's back."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def tamper(url: str, table: str, sql: str, **params: object) -> None:
    """Drop the table's UPDATE and DELETE triggers, then run sql."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for event in ("update", "delete"):
                trigger = f"{table}_no_{event}"
                conn.execute(text(f"DROP TRIGGER {trigger}" if engine.dialect.name == "sqlite"
                                  else f"DROP TRIGGER {trigger} ON {table}"))
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def run(url: str, sql: str, **params: object) -> None:
    """Run sql as a plain client, guards in place."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()
