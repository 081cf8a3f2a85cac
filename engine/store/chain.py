"""The audit chain: canonical hashing, appending an event, verifying the links.

Each event's hash covers the previous hash and the event's own fields, so changing, removing or
inserting any event breaks every later link. The hash is HMAC-SHA256 under a key held outside the
database (engine/store/keys.py), and each event names the id of the key that signed it, so someone who
can write the database cannot recompute the hashes. Events written before keying (schema 0001) have a
plain SHA-256 hash and no key id; they may only come before the first keyed event, which binds them.
Events carry ids, usernames, action names and digests only, never personal data, so deleting a payload
never breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.store.keys import AuditKeys
from engine.store.schema import AuditRow

GENESIS = "0" * 64
# Any constant will do: it names the lock every writer of the chain takes (PostgreSQL advisory lock).
CHAIN_LOCK_KEY = 0x6661697263680001


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in canonical JSON")


def _spelled(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _orjson_differs(fast: bytes) -> bool:
    """Whether the text may hold a float that orjson spells differently: below 1e-4 it writes 0.00001
    and 2.5e-7 where json writes 1e-05 and 2.5e-07. A string holding such text only costs the slower
    spelling. (A regular expression here would cost more than the whole orjson call.)"""
    if b"0.0000" in fast:
        return True
    at = fast.find(b"e-")
    while at != -1:
        if fast[at - 1:at].isdigit() and fast[at + 2:at + 3].isdigit():
            return True
        at = fast.find(b"e-", at + 2)
    return False


_ORJSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
                   | orjson.OPT_PASSTHROUGH_DATACLASS)


def canonical(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, dates as ISO text.

    The spelling is json.dumps's (sort_keys, compact separators, ensure_ascii off). orjson gives the
    same text several times faster, which replay needs (a report is spelled for every replayed case);
    whatever orjson cannot spell the same way (big integers, non-text keys, subclasses, tiny floats)
    goes to json. NaN and infinities are not JSON and no stored value holds one.
    """
    fast = orjson_spelling(value)
    return _spelled(value) if fast is None or _orjson_differs(fast) else fast.decode()


def spells_as(value: Any, text: str) -> bool:
    """canonical(value) == text, for a text canonical() wrote, usually with one orjson call: if orjson's
    spelling equals such a text, canonical() spells the value so too, since the only tokens the two
    spell differently are numbers below 1e-4 (orjson 0.00001, json 1e-05) and canonical text never
    holds orjson's. Replay compares every stored report this way."""
    fast = orjson_spelling(value)
    return (fast is not None and fast.decode() == text) or canonical(value) == text


def orjson_spelling(value: Any) -> bytes | None:
    """orjson's spelling of the value (None where it refuses one)."""
    try:
        return orjson.dumps(value, default=_plain, option=_ORJSON_OPTIONS)
    except TypeError:
        return None


def sha256(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def digest(value: Any) -> str:
    return sha256(canonical(value))


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The unkeyed hash of events written before keying (and of what an attacker without the key can do)."""
    return sha256(prev_hash + canonical(fields))


def keyed_hash(keys: AuditKeys, key_id: str, prev_hash: str, fields: dict[str, Any]) -> str | None:
    """HMAC-SHA256 under the key `key_id` names (None if that key is not among `keys`)."""
    return keys.mac(key_id, prev_hash + canonical(fields))


def lock_chain(session: Session) -> None:
    """Serialise appends. SQLite writers already hold the write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def append(session: Session, keys: AuditKeys, at: datetime, actor: str, action: str, entity: str, entity_id: str,
           written: Any) -> AuditRow:
    """Append one event for `written` (hashed, never stored), signed with the current key. The caller holds
    the chain lock."""
    head = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    row = AuditRow(seq=(head.seq + 1) if head else 1, at=at, actor=actor, action=action, entity=entity,
                   entity_id=entity_id, digest=digest(written), prev_hash=head.hash if head else GENESIS, hash="",
                   key_id=keys.current)
    row.hash = keyed_hash(keys, keys.current, row.prev_hash, row.chained_fields()) or ""
    session.add(row)
    session.flush()
    session.info["chain_head"] = (row.seq, row.hash, at)
    return row


@dataclass(frozen=True)
class Break:
    seq: int | None
    reason: str


def _hash_break(row: AuditRow, keys: AuditKeys, keyed_before: bool) -> str | None:
    if row.key_id is None:
        if keyed_before:
            return "the event is not keyed but comes after keyed events (written without the audit key)"
        ok = event_hash(row.prev_hash, row.chained_fields()) == row.hash
    else:
        expected = keyed_hash(keys, row.key_id, row.prev_hash, row.chained_fields())
        if expected is None:
            return (f"the event is signed with key {row.key_id}, which is neither the current nor a retired "
                    f"key ({keys.source})")
        ok = hmac.compare_digest(expected, row.hash)
    return None if ok else "the event's fields do not match its keyed hash (the row was altered or forged)"


def first_break(rows: Iterable[AuditRow], keys: AuditKeys,
                anchors: dict[int, str] | None = None) -> tuple[int, Break | None]:
    """Walk the events in seq order: the count and the first broken link, if any.

    `anchors` (seq -> hash, from the anchor file) must each name an event of the chain with that hash;
    an anchored event beyond the chain's end means events were removed from the end.
    """
    anchors = anchors or {}
    prev_hash, expected, count, found, keyed = GENESIS, 1, 0, None, False
    for row in rows:
        count += 1
        if found:
            continue
        if row.seq != expected:
            found = Break(expected, f"event {expected} is missing (the next event is {row.seq})")
        elif row.prev_hash != prev_hash:
            found = Break(row.seq, "prev_hash does not match the hash of the event before")
        elif (why := _hash_break(row, keys, keyed)) is not None:
            found = Break(row.seq, why)
        elif row.seq in anchors and anchors[row.seq] != row.hash:
            found = Break(row.seq, "the event differs from the head anchored outside the store (the chain was "
                                   "rewritten)")
        keyed = keyed or row.key_id is not None
        prev_hash, expected = row.hash, row.seq + 1
    if found is None and anchors and max(anchors) >= expected:
        last = max(anchors)
        found = Break(expected, f"the anchor outside the store records event {last}, but the chain ends at "
                                f"event {expected - 1} (the newest events were removed)")
    if found is None and count and not keyed:
        found = Break(expected - 1, "no event is keyed: the chain's head is not signed with the audit key")
    return count, found


def check_rows(events: dict[tuple[str, str], tuple[int, str]], rows: Iterable[tuple[str, str, str]],
               audited: Callable[[str], bool]) -> Break | None:
    """Every stored row must match the digest its event recorded, and every event's row must exist.

    `events` maps (entity, entity_id) to (seq, digest); `rows` yields (entity, entity_id, digest).
    """
    breaks, seen = [], set()
    for entity, entity_id, row_digest in rows:
        seen.add((entity, entity_id))
        event = events.get((entity, entity_id))
        if event is None:
            breaks.append(Break(None, f"{entity} {entity_id} has no audit event (inserted behind the store's back)"))
        elif event[1] != row_digest:
            breaks.append(Break(event[0], f"{entity} {entity_id} differs from the digest its event recorded"))
    for key, (seq, _) in events.items():
        if audited(key[0]) and key not in seen:
            breaks.append(Break(seq, f"{key[0]} {key[1]} was deleted"))
    return min(breaks, key=lambda b: (b.seq is None, b.seq or 0), default=None)
