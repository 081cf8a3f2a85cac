"""The audit chain's secret and its anchor: both held outside the database.

The key: each event's hash is HMAC-SHA256 under a key the database never holds, so someone who can
write the database cannot recompute the hashes after changing a row. Where the key comes from:

- `FAIRCHANCE_AUDIT_KEY`: the key itself (at least 32 characters; e.g. `openssl rand -hex 32`);
- `FAIRCHANCE_AUDIT_KEY_FILE`: a file of keys, one a line (`#` starts a comment). The last line is the
  current key; earlier lines are retired keys, still accepted when verifying the events they signed.
  Rotation is appending a new line (`fairchance audit rotate-key`). With both set, the environment key
  is the current one and the file's keys are accepted too.
- neither, on a SQLite file: a key file beside the database (`<db>.audit-key`, created on first use with
  mode 0600). That suits the demo and tests; in production keep the key elsewhere (see docs/audit.md).
- neither, on PostgreSQL: an error; the key must be configured.

Each event records the id of the key that signed it: the first 16 hex digits of SHA-256 of the key,
which names the key without revealing it.

The anchor: after every committed write the new head of the chain (sequence number and hash) is
appended to a file the database cannot rewrite: `FAIRCHANCE_AUDIT_ANCHOR`, else `<db>.anchor` beside a
SQLite file (PostgreSQL needs the setting). `audit verify` checks every anchored head against the chain,
so removing the newest events (or every event) is found even though the rest of the chain still links.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.store.db import sqlite_file
from engine.store.records import StoreError

ENV_KEY = "FAIRCHANCE_AUDIT_KEY"
ENV_KEY_FILE = "FAIRCHANCE_AUDIT_KEY_FILE"
ENV_ANCHOR = "FAIRCHANCE_AUDIT_ANCHOR"
KEY_SUFFIX = ".audit-key"
ANCHOR_SUFFIX = ".anchor"
MIN_KEY_CHARS = 32


def key_id(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def new_secret() -> str:
    return secrets.token_hex(32)


@dataclass(frozen=True)
class AuditKeys:
    current: str                 # the id of the key new events are signed with
    secrets: dict[str, str]      # key id -> key (current and retired)
    source: str                  # where the keys came from, for messages

    def mac(self, kid: str, text: str) -> str | None:
        secret = self.secrets.get(kid)
        if secret is None:
            return None
        return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _read_key_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"audit key: cannot read the key file {path}: {exc.strerror}") from exc
    found = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if any(len(k) < MIN_KEY_CHARS for k in found):
        raise StoreError(f"audit key: the key file {path} has a key shorter than {MIN_KEY_CHARS} characters")
    return found


def _write_new_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# fairchance audit keys: the last line is the current key; keep earlier lines to verify old events\n")
        f.write(new_secret() + "\n")


def key_file_path(url: str) -> Path | None:
    """The key file in use: $FAIRCHANCE_AUDIT_KEY_FILE, else the one beside a SQLite file."""
    if os.environ.get(ENV_KEY_FILE):
        return Path(os.environ[ENV_KEY_FILE])
    db = sqlite_file(url)
    return db.with_name(db.name + KEY_SUFFIX) if db else None


def load_keys(url: str) -> AuditKeys:
    env_key = os.environ.get(ENV_KEY, "").strip()
    if env_key and len(env_key) < MIN_KEY_CHARS:
        raise StoreError(f"audit key: ${ENV_KEY} must be at least {MIN_KEY_CHARS} characters")
    path = key_file_path(url)
    keys: list[str] = []
    if path is not None:
        if not path.exists() and not env_key and not os.environ.get(ENV_KEY_FILE):
            with contextlib.suppress(FileExistsError):
                _write_new_key_file(path)   # the demo's key beside its SQLite file
        if path.exists() or os.environ.get(ENV_KEY_FILE):
            keys = _read_key_file(path)
    if env_key:
        keys.append(env_key)
    if not keys:
        if make_url(url).get_backend_name() == "sqlite":   # an in-memory database: a key for this process
            keys = [new_secret()]
        else:
            raise StoreError(f"audit key: set ${ENV_KEY} or ${ENV_KEY_FILE} (the key that signs the audit chain "
                             f"is kept outside the database; see docs/audit.md)")
    source = f"${ENV_KEY}" if env_key else str(path)
    return AuditKeys(key_id(keys[-1]), {key_id(k): k for k in keys}, source)


def rotate(url: str) -> tuple[Path, str]:
    """Append a new current key to the key file in use; the earlier keys stay to verify old events."""
    if os.environ.get(ENV_KEY):
        raise StoreError(f"audit key: the current key comes from ${ENV_KEY}; rotate it there (keep the old one "
                         f"as a line of ${ENV_KEY_FILE} so old events still verify)")
    path = key_file_path(url)
    if path is None:
        raise StoreError(f"audit key: set ${ENV_KEY_FILE} to rotate keys")
    _read_key_file(path)
    secret = new_secret()
    with path.open("a", encoding="utf-8") as f:
        f.write(secret + "\n")
    return path, key_id(secret)


# --- the anchor ------------------------------------------------------------------------------------------

def anchor_path(url: str) -> Path:
    if os.environ.get(ENV_ANCHOR):
        return Path(os.environ[ENV_ANCHOR])
    db = sqlite_file(url)
    if db is not None:
        return db.with_name(db.name + ANCHOR_SUFFIX)
    if make_url(url).get_backend_name() == "sqlite":
        return Path(os.devnull)   # an in-memory database lives and dies with the process
    raise StoreError(f"audit anchor: set ${ENV_ANCHOR} to a file outside the database (an append-only file "
                     f"the database's users cannot rewrite; see docs/audit.md)")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


def write_anchor(path: Path, seq: int, hash_: str, at: datetime) -> None:
    """Append one line; O_APPEND keeps concurrent writers' lines whole."""
    if str(path) == os.devnull:
        return
    line = json.dumps({"seq": seq, "hash": hash_, "at": at.isoformat()}, separators=(",", ":")) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:
        raise StoreError(f"audit anchor: the write was committed but its anchor could not be written to {path}: "
                         f"{exc.strerror}") from exc


def read_anchors(path: Path) -> Iterator[Anchor]:
    """Every anchored head; a line that is not an anchor raises StoreError naming it."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                yield Anchor(int(item["seq"]), str(item["hash"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"audit anchor: line {number} of {path} is not an anchor") from exc
