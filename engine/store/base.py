"""The store's sessions: every write is one transaction holding the chain lock, ending in its audit event."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.store import chain
from engine.store.db import WRITE
from engine.store.keys import AuditKeys, anchor_path, load_keys, write_anchor
from engine.store.records import StoreError

Clock = Callable[[], datetime]
NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


def utc_now() -> datetime:
    return datetime.now(UTC)


def required_text(field: str, value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StoreError(f"{field}: {what}")
    return value.strip()


def check_name(field: str, value: object) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise StoreError(f"{field}: expected a username (lower-case letters, digits and . _ @ -, up to 64), "
                         f"found {value!r}")
    return value


class StoreBase:
    def __init__(self, engine: Engine, clock: Clock | None = None, keys: AuditKeys | None = None):
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        self._clock = clock or utc_now
        self._keys = keys or load_keys(engine.url)
        self._anchor = anchor_path(engine.url)

    @property
    def anchor_file(self):
        return self._anchor

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def schema_revision(self) -> str:
        with self._engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()

    def close(self) -> None:
        self._engine.dispose()

    def now(self) -> datetime:
        at = self._clock()
        if at.tzinfo is None:
            raise StoreError("clock: the store's clock must give timezone-aware times")
        return at.astimezone(UTC)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction holding the chain lock; call `event` inside it for what it wrote. Once it has
        committed, the new head of the chain is anchored outside the store (engine/store/keys.py)."""
        head = None
        try:
            with Session(self._writer, expire_on_commit=False) as session:
                with session.begin():
                    chain.lock_chain(session)
                    yield session
                head = session.info.pop("chain_head", None)
        except IntegrityError as exc:
            raise StoreError(f"store: the write conflicts with a stored record ({exc.orig})") from exc
        if head is not None:
            write_anchor(self._anchor, *head)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    def event(self, session: Session, actor: str, action: str, entity: str, entity_id: str, written: Any,
              at: datetime | None = None) -> None:
        session.flush()
        chain.append(session, self._keys, at or self.now(), check_name("actor", actor), action, entity, entity_id,
                     written)
