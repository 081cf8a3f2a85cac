"""The tables. Chained rows (audit_log) and the metadata of what was written carry no certificate or
health detail; case data and reports live in the payload tables, which retention may delete.

Each immutable table's `record()` is what its audit event's digest covers, so a row changed behind the
store's back no longer matches its event.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, whatever the database keeps (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times given to the store must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Fields added after the first schema, in a row's digest only when set: older rows keep their digests."""
    return {k: v for k, v in values.items() if v is not None}


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def record(self) -> dict[str, Any]:
        """What a user's latest event covers: a role, password or enabled flag changed behind the store's back
        no longer matches it."""
        return {"username": self.username, "password_hash": self.password_hash, "role": self.role,
                "display_name": self.display_name, "active": self.active, "created_at": self.created_at}


class CaseVersionRow(Base):
    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_case_versions_case_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    role_title: Mapped[str | None] = mapped_column(String(200))
    assessed_on: Mapped[date | None] = mapped_column(Date)

    def record(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "version": self.version, "created_at": self.created_at,
                "created_by": self.created_by, "reason": self.reason, "content_hash": self.content_hash,
                "role_title": self.role_title, "assessed_on": self.assessed_on}


class CasePayloadRow(Base):
    __tablename__ = "case_payloads"
    case_version_id: Mapped[int] = mapped_column(ForeignKey("case_versions.id"), primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class RulesSnapshotRow(Base):
    __tablename__ = "rules_snapshots"
    version: Mapped[str] = mapped_column(String(80), primary_key=True)
    files: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def record(self) -> dict[str, Any]:
        return {"version": self.version, "files": json.loads(self.files), "created_at": self.created_at}


class EvaluationRow(Base):
    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_version_id: Mapped[int] = mapped_column(ForeignKey("case_versions.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rules_version: Mapped[str] = mapped_column(String(80))
    engine_version: Mapped[str] = mapped_column(String(40))
    evaluator: Mapped[str] = mapped_column(String(40))
    as_at: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(64))
    discuss_before_withdrawal: Mapped[bool] = mapped_column(Boolean)
    report_hash: Mapped[str] = mapped_column(String(64))

    def record(self) -> dict[str, Any]:
        return {"case_version_id": self.case_version_id, "case_id": self.case_id, "version": self.version,
                "rules_version": self.rules_version, "engine_version": self.engine_version,
                "evaluator": self.evaluator, "as_at": self.as_at, "created_at": self.created_at,
                "created_by": self.created_by, "outcome": self.outcome,
                "discuss_before_withdrawal": self.discuss_before_withdrawal, "report_hash": self.report_hash}


class ReportPayloadRow(Base):
    __tablename__ = "report_payloads"
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), primary_key=True)
    report: Mapped[str] = mapped_column(Text)


class MemberViewRow(Base):
    __tablename__ = "member_views"
    __table_args__ = (UniqueConstraint("evaluation_id", "member", name="uq_member_views_evaluation_member"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    member: Mapped[str] = mapped_column(String(64))
    panel_role: Mapped[str] = mapped_column(String(100))
    view: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    def record(self) -> dict[str, Any]:
        return {"evaluation_id": self.evaluation_id, "member": self.member, "panel_role": self.panel_role,
                "view": self.view, "comment": self.comment, "created_at": self.created_at,
                "created_by": self.created_by}


class MemberViewRevisionRow(Base):
    """A member's revised view, before the decision: revision 2, 3... of the view `view_id` (the first view
    stays in member_views as written)."""

    __tablename__ = "member_view_revisions"
    __table_args__ = (UniqueConstraint("view_id", "revision", name="uq_member_view_revisions_view_revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    view_id: Mapped[int] = mapped_column(ForeignKey("member_views.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    panel_role: Mapped[str] = mapped_column(String(100))
    view: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    def record(self) -> dict[str, Any]:
        return {"view_id": self.view_id, "revision": self.revision, "panel_role": self.panel_role,
                "view": self.view, "comment": self.comment, "created_at": self.created_at,
                "created_by": self.created_by}


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    chair: Mapped[str] = mapped_column(String(64))
    members: Mapped[str] = mapped_column(Text)
    recommended: Mapped[str] = mapped_column(String(64))
    final_outcome: Mapped[str] = mapped_column(String(64))
    agrees: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(Text)
    applicant_discussion: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    # Added by 0003 (null on rows written before, whose digests leave them out)
    chair_role: Mapped[str | None] = mapped_column(String(100))
    absences: Mapped[str | None] = mapped_column(Text)
    letter_hash: Mapped[str | None] = mapped_column(String(64))

    def record(self) -> dict[str, Any]:
        out = {"evaluation_id": self.evaluation_id, "case_id": self.case_id, "chair": self.chair,
               "members": json.loads(self.members), "recommended": self.recommended,
               "final_outcome": self.final_outcome, "agrees": self.agrees, "rationale": self.rationale,
               "applicant_discussion": self.applicant_discussion, "decided_on": self.decided_on,
               "created_at": self.created_at, "created_by": self.created_by}
        return out | _present({"chair_role": self.chair_role, "letter_hash": self.letter_hash,
                               "absences": json.loads(self.absences) if self.absences is not None else None})


class OhOutcomeRow(Base):
    __tablename__ = "oh_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    clinician: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(64))
    adjustments: Mapped[str] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    # Added by 0003: the outcome this one replaces, and why
    supersedes: Mapped[int | None] = mapped_column(Integer)
    supersede_reason: Mapped[str | None] = mapped_column(Text)

    def record(self) -> dict[str, Any]:
        out = {"evaluation_id": self.evaluation_id, "case_id": self.case_id, "clinician": self.clinician,
               "outcome": self.outcome, "adjustments": json.loads(self.adjustments), "review_on": self.review_on,
               "note": self.note, "created_at": self.created_at, "created_by": self.created_by}
        return out | _present({"supersedes": self.supersedes, "supersede_reason": self.supersede_reason})


class OhReleaseRow(Base):
    """A step in releasing an OH outcome to the panel: the clinician marks the manager's summary ready, then
    records the person's answer (agreed, or the changes they asked for). Only an agreed outcome is released."""

    __tablename__ = "oh_releases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    oh_outcome_id: Mapped[int] = mapped_column(ForeignKey("oh_outcomes.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    step: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    def record(self) -> dict[str, Any]:
        return {"oh_outcome_id": self.oh_outcome_id, "case_id": self.case_id, "step": self.step, "note": self.note,
                "created_at": self.created_at, "created_by": self.created_by}


class AccessRow(Base):
    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    data_kind: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(Text)

    def record(self) -> dict[str, Any]:
        return {"at": self.at, "actor": self.actor, "case_id": self.case_id, "data_kind": self.data_kind,
                "purpose": self.purpose}


class AuditRow(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(140))
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32))   # None: written before keying (schema 0001)

    def chained_fields(self) -> dict[str, Any]:
        fields = {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action, "entity": self.entity,
                  "entity_id": self.entity_id, "digest": self.digest, "prev_hash": self.prev_hash}
        if self.key_id is not None:
            fields["key_id"] = self.key_id
        return fields


class SignInFailureRow(Base):
    """Failed sign-ins per account and per address, for the lockout (rules/policy/sign-in.yaml). Operational
    state, changed in place and not chained: each failure is also an access-log row, which is."""
    __tablename__ = "sign_in_failures"
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)   # "account:NAME" or "address:IP"
    failures: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


# Entity name in the audit log -> the immutable table whose rows its digests cover, and the row's id text.
AUDITED = {
    "case_version": (CaseVersionRow, lambda r: f"{r.case_id}/{r.version}"),
    "rules_snapshot": (RulesSnapshotRow, lambda r: r.version),
    "evaluation": (EvaluationRow, lambda r: str(r.id)),
    "member_view": (MemberViewRow, lambda r: str(r.id)),
    "member_view_revision": (MemberViewRevisionRow, lambda r: str(r.id)),
    "decision": (DecisionRow, lambda r: str(r.id)),
    "oh_outcome": (OhOutcomeRow, lambda r: str(r.id)),
    "oh_release": (OhReleaseRow, lambda r: str(r.id)),
    "access": (AccessRow, lambda r: str(r.id)),
    "user": (UserRow, lambda r: r.username),
}

# The tables whose rows never change once written: triggers refuse UPDATE and DELETE (and TRUNCATE on
# PostgreSQL). `users` changes (disable, role, password) only through the store, each change chained,
# so it refuses DELETE and TRUNCATE; the payload tables accept DELETE, for retention.
APPEND_ONLY = ("audit_log", "case_versions", "rules_snapshots", "evaluations", "member_views",
               "member_view_revisions", "decisions", "oh_outcomes", "oh_releases", "access_log")
NO_DELETE = ("users",)
# Every table the store keeps, by how `audit verify` covers it. A table in the database that is in none of
# these is reported.
CHAINED_TABLES = {table.__tablename__ for table, _ in AUDITED.values()}
PAYLOAD_TABLES = {"case_payloads", "report_payloads"}    # checked against the hashes their chained rows hold
OPERATIONAL_TABLES = {"audit_log", "sign_in_failures", "alembic_version"}


def expected_triggers(dialect: str) -> set[tuple[str, str]]:
    """(table, trigger name) for every guard trigger the schema creates."""
    events = ("update", "delete", "truncate") if dialect == "postgresql" else ("update", "delete")
    out = {(t, f"{t}_no_{e}") for t in APPEND_ONLY for e in events}
    out |= {(t, f"{t}_no_{e}") for t in NO_DELETE for e in events if e != "update"}
    return out
