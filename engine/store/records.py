"""What the store's read methods return: frozen values, never ORM objects or live sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

ROLES = ("panel_member", "panel_chair", "oh_clinician", "auditor", "rules_steward")
DATA_KINDS = ("criminal_record", "health")
# Access-log entries that are not a view of case data: a failed or refused sign-in, a refused read or write.
EVENT_KINDS = ("sign_in", "refused")


class StoreError(ValueError):
    """A refused write or a missing record; the message starts with the field it concerns."""


class DecisionRefused(StoreError):
    """A decision refused by a guard of the decision policy; the message says what is missing, in plain words."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Throttle:
    """A lockout: `failures` within `within`, then refused for `locked_for` (rules/policy/sign-in.yaml)."""
    failures: int
    within: timedelta
    locked_for: timedelta


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked_until: datetime | None = None   # set when the sign-in was refused for a lockout


@dataclass(frozen=True)
class CaseVersion:
    case_id: str
    version: int
    created_at: datetime
    created_by: str
    reason: str
    content_hash: str
    data: dict[str, Any] | None


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    latest_version: int
    role_title: str | None
    assessed_on: date | None
    status: str
    outcome: str | None
    created_at: datetime            # the case's arrival: its first version stored
    decided_at: datetime | None
    oh_recorded: bool = False       # an OH outcome is recorded on the case


# A case's status in the queue: no evaluation yet, evaluated, or the latest evaluation decided.
CASE_STATUSES = ("new", "evaluated", "decided")


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a queue shows; every test runs in the database (engine/store/case_list.py).

    `arrived_before`: only cases not yet decided that arrived (first version stored) before this moment,
    i.e. the overdue ones for a cut-off the caller works out from its policy."""
    statuses: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    text: str = ""                  # in the case id or the role title, any case
    arrived_before: datetime | None = None


@dataclass(frozen=True)
class CasePage:
    rows: tuple[CaseSummary, ...]
    matching: int                   # cases the filter matches, on every page
    total: int                      # cases in the store
    overdue: int | None = None      # cases in the store not decided that arrived before the cut-off asked for


@dataclass(frozen=True)
class Evaluation:
    id: int
    case_id: str
    version: int
    rules_version: str
    engine_version: str
    evaluator: str
    as_at: date
    created_at: datetime
    created_by: str
    outcome: str
    report: dict[str, Any] | None


@dataclass(frozen=True)
class MemberView:
    id: int
    evaluation_id: int
    member: str
    panel_role: str
    view: str
    comment: str
    created_at: datetime
    revision: int = 1           # 2, 3... once the member revised it before the decision


@dataclass(frozen=True)
class Decision:
    id: int
    evaluation_id: int
    case_id: str
    chair: str
    members: tuple[tuple[str, str, str], ...]
    recommended: str
    final_outcome: str
    agrees: bool
    rationale: str
    applicant_discussion: str | None
    decided_on: date
    created_at: datetime
    chair_role: str | None = None
    absences: tuple[tuple[str, str], ...] = ()     # (panel role, why the member was absent)
    letter_hash: str | None = None


@dataclass(frozen=True)
class OhOutcome:
    id: int
    evaluation_id: int
    case_id: str
    clinician: str
    outcome: str
    adjustments: tuple[str, ...]
    review_on: date | None
    note: str
    created_at: datetime
    supersedes: int | None = None
    supersede_reason: str | None = None
    superseded_by: int | None = None


@dataclass(frozen=True)
class Access:
    id: int
    at: datetime
    actor: str
    case_id: str
    data_kind: str
    purpose: str


@dataclass(frozen=True)
class AccessFilter:
    """Which access-log rows to read; every test runs in the database. `case_text` matches part of the case
    id, any case; `since` and `until` bound `at` (since included, until excluded)."""
    case_text: str = ""
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    digest: str
    prev_hash: str
    hash: str
    key_id: str | None = None


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events: int
    first_broken: int | None
    reason: str | None
    problems: tuple[str, ...] = ()   # every problem found (reason is the first)
