"""The Store: every record the panel process keeps, on SQLite (default) or PostgreSQL (by URL)."""

from __future__ import annotations

from engine.store.audit import AuditMethods
from engine.store.base import Clock
from engine.store.db import check_exists, check_is_store, make_engine, resolve_url, upgrade
from engine.store.evaluations import EvaluationMethods
from engine.store.oh_release import OhReleaseMethods
from engine.store.panel import PanelMethods
from engine.store.users import UserMethods


class Store(UserMethods, EvaluationMethods, PanelMethods, OhReleaseMethods, AuditMethods):
    """Write methods take the acting username and append their audit event in the same transaction."""


def open_store(url: str | None = None, clock: Clock | None = None, must_exist: bool = False) -> Store:
    """Open (and migrate to the newest schema) the store at url, $FAIRCHANCE_DB, or var/fairchance.db.

    With `must_exist` (the read commands, `audit verify`), a URL with no store behind it is an error
    rather than a new, empty store. The audit key and anchor are read here (engine/store/keys.py).
    """
    resolved = resolve_url(url)
    if must_exist:
        check_exists(resolved)
    engine = make_engine(resolved)
    try:
        if must_exist:
            check_is_store(engine)
        store = Store(engine, clock)
        before = upgrade(engine)
        if before == "0001":
            store.seal_legacy_chain()
    except Exception:
        engine.dispose()
        raise
    return store
