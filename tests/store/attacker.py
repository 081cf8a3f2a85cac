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


def drop_triggers(url: str, names: list[tuple[str, str]] | None = None) -> None:
    """Drop the named guard triggers ((table, name) pairs), or every one there is."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if names is None:
                if engine.dialect.name == "sqlite":
                    names = [tuple(r) for r in conn.execute(text(
                        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))]
                else:
                    names = [tuple(r) for r in conn.execute(text(
                        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal"))]
            for table, name in names:
                conn.execute(text(f"DROP TRIGGER {name}" if engine.dialect.name == "sqlite"
                                  else f"DROP TRIGGER {name} ON {table}"))
    finally:
        engine.dispose()


def rewrite_chain(url: str, from_seq: int, digests: dict[int, str] | None = None, keyed: bool = True,
                  key: str | None = None) -> None:
    """Recompute every event's hash from `from_seq` on, as someone without the audit key can: with plain
    SHA-256 (keeping each event's key id when `keyed`, else clearing it), or HMAC under a `key` of their own.
    `digests` gives new digests for some events first. Triggers must already be dropped."""
    import hmac
    from hashlib import sha256

    from sqlalchemy.orm import Session

    from engine.store.chain import canonical
    from engine.store.keys import key_id
    from engine.store.schema import AuditRow

    engine = create_engine(url)
    try:
        with Session(engine) as s, s.begin():
            rows = s.query(AuditRow).order_by(AuditRow.seq).all()
            prev = None
            for row in rows:
                if row.seq >= from_seq:
                    if prev is not None:
                        row.prev_hash = prev
                    row.digest = (digests or {}).get(row.seq, row.digest)
                    if key is not None:
                        row.key_id = key_id(key)
                        text_ = row.prev_hash + canonical(row.chained_fields())
                        row.hash = hmac.new(key.encode(), text_.encode(), "sha256").hexdigest()
                    else:
                        row.key_id = row.key_id if keyed else None
                        row.hash = sha256((row.prev_hash + canonical(row.chained_fields())).encode()).hexdigest()
                prev = row.hash
    finally:
        engine.dispose()
