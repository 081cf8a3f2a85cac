"""The Store: every record the panel process keeps, on SQLite (default) or PostgreSQL (by URL)."""

from __future__ import annotations

from engine.store.audit import AuditMethods
from engine.store.base import Clock
from engine.store.db import make_engine, resolve_url, upgrade
from engine.store.evaluations import EvaluationMethods
from engine.store.panel import PanelMethods
from engine.store.users import UserMethods


class Store(UserMethods, EvaluationMethods, PanelMethods, AuditMethods):
    """Write methods take the acting username and append their audit event in the same transaction."""


def open_store(url: str | None = None, clock: Clock | None = None) -> Store:
    """Open (and migrate to the newest schema) the store at url, $FAIRCHANCE_DB, or var/fairchance.db."""
    engine = make_engine(resolve_url(url))
    try:
        upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Store(engine, clock)
