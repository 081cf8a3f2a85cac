"""Users and passwords: argon2id hashes (argon2-cffi's defaults), rehashed when the parameters change."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.base import NAME, StoreBase, check_name, required_text
from engine.store.records import ROLES, SignIn, StoreError, Throttle, User
from engine.store.schema import AccessRow, SignInFailureRow, UserRow

_HASHER = PasswordHasher()  # argon2id


def _user(row: UserRow) -> User:
    return User(row.username, row.role, row.display_name, row.active, row.created_at)


class UserMethods(StoreBase):
    _dummy_hash: str | None = None

    def add_user(self, username: str, password: str, role: str, display_name: str | None = None,
                 actor: str = "cli") -> User:
        name = check_name("username", username)
        if role not in ROLES:
            raise StoreError(f"role: expected one of {', '.join(ROLES)}, found {role!r}")
        required_text("password", password, "a user needs a non-blank password")
        with self.transaction() as s:
            if s.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                raise StoreError(f"username: {name!r} already exists")
            row = UserRow(username=name, password_hash=_HASHER.hash(password), role=role,
                          display_name=display_name, active=True, created_at=self.now())
            s.add(row)
            self.event(s, actor, "user.add", "user", name, row.record())
            return _user(row)

    def authenticate(self, username: str, password: str) -> User | None:
        with self.reading() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            stored = row.password_hash if row else self._dummy()
            try:
                _HASHER.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return None
            if row is None or not row.active:
                return None
            user = _user(row)
        if _HASHER.check_needs_rehash(stored):
            self._rehash(user.username, password)
        return user

    def sign_in(self, username: str, password: str, address: str | None, account: Throttle,
                per_address: Throttle) -> SignIn:
        """Authenticate with a lockout per account and per address. A locked account or address is refused
        without checking the password; every failure and refusal is an access-log row (kind `sign_in`)."""
        now = self.now()
        subjects = {"account": f"account:{username[:120]}"}
        if address:
            subjects["address"] = f"address:{address[:120]}"
        with self.reading() as s:
            rows = {r.subject: r for r in s.scalars(select(SignInFailureRow).where(
                SignInFailureRow.subject.in_(subjects.values())))}
        locked = max((r.locked_until for r in rows.values() if r.locked_until and r.locked_until > now), default=None)
        if locked is not None:
            self._sign_in_failed(username, address, now, {}, f"sign-in refused: locked until {locked.isoformat()}")
            return SignIn(None, locked)
        user = self.authenticate(username, password)
        if user is not None:
            if subjects["account"] in rows:
                with self.transaction() as s:
                    row = s.get(SignInFailureRow, subjects["account"])
                    if row is not None:
                        s.delete(row)
            return SignIn(user)
        limits = {subjects["account"]: account}
        if address:
            limits[subjects["address"]] = per_address
        until = self._sign_in_failed(username, address, now, limits, "failed sign-in")
        return SignIn(None, until)

    def _sign_in_failed(self, username: str, address: str | None, now: datetime, limits: dict[str, Throttle],
                        what: str) -> datetime | None:
        """Count the failure against each subject in `limits`, and log it; the lock it set, if any."""
        actor = username if NAME.fullmatch(username or "") else "unknown"
        locked = None
        with self.transaction() as s:
            for subject, limit in limits.items():
                until = _count_failure(s, subject, limit, now)
                locked = max(locked, until) if locked and until else (locked or until)
            purpose = f"{what} from {address or 'an unknown address'}"
            if limits and locked is not None:
                purpose += f"; locked until {locked.isoformat()}"
            row = AccessRow(at=now, actor=actor, case_id="", data_kind="sign_in", purpose=purpose)
            s.add(row)
            s.flush()
            self.event(s, actor, "access.log", "access", str(row.id), row.record(), at=now)
        return locked

    def _dummy(self) -> str:
        # Unknown users cost one verification too, so response time does not reveal who exists.
        if UserMethods._dummy_hash is None:
            UserMethods._dummy_hash = _HASHER.hash("not a password of anyone")
        return UserMethods._dummy_hash

    def _rehash(self, name: str, password: str) -> None:
        with self.transaction() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == name))
            if row is not None:
                row.password_hash = _HASHER.hash(password)
                self.event(s, name, "user.rehash", "user", name, row.record())

    def _change_user(self, username: str, actor: str, action: str, change) -> User:
        """Change one user's row through `change(row)`; the event covers the whole row as it now stands."""
        with self.transaction() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                raise StoreError(f"username: no user {username!r}")
            change(row)
            self.event(s, actor, action, "user", row.username, row.record())
            return _user(row)

    def disable_user(self, username: str, actor: str) -> None:
        self._change_user(username, actor, "user.disable", lambda row: setattr(row, "active", False))

    def set_role(self, username: str, role: str, actor: str) -> User:
        if role not in ROLES:
            raise StoreError(f"role: expected one of {', '.join(ROLES)}, found {role!r}")
        return self._change_user(username, actor, "user.role", lambda row: setattr(row, "role", role))

    def set_password(self, username: str, password: str, actor: str) -> User:
        required_text("password", password, "a user needs a non-blank password")
        hashed = _HASHER.hash(password)
        return self._change_user(username, actor, "user.password", lambda row: setattr(row, "password_hash", hashed))

    def list_users(self) -> list[User]:
        with self.reading() as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def get_user(self, username: str) -> User | None:
        with self.reading() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            return _user(row) if row else None


def _count_failure(s: Session, subject: str, limit: Throttle, now: datetime) -> datetime | None:
    row = s.get(SignInFailureRow, subject)
    if row is None or row.first_at + limit.within < now:
        if row is not None:
            s.delete(row)
            s.flush()
        row = SignInFailureRow(subject=subject, failures=0, first_at=now, locked_until=None)
        s.add(row)
    row.failures += 1
    if row.failures >= limit.failures:
        row.locked_until = now + limit.locked_for
    return row.locked_until if row.locked_until and row.locked_until > now else None
