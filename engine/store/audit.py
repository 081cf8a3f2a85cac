"""Reading and verifying the audit chain, and checking every audited row against its event's digest.

`verify_chain` checks, and reports every failure it finds:
- the links in seq order: no gaps, each prev_hash, each keyed hash (HMAC under the current or a retired
  key), no unkeyed event after a keyed one, a keyed head;
- every head anchored outside the store (the anchor file) against the chain: removing the newest events,
  or every event, is found;
- every row of a chained table (users included) against its latest event's digest, and every event's row
  present; every payload against the hash its chained row holds, and every missing payload covered by a
  retention event for its case;
- every guard trigger present, enabled and refusing; every table in the database known to the store.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from engine.store import chain
from engine.store.base import StoreBase
from engine.store.keys import read_anchors
from engine.store.records import AuditEvent, ChainStatus, StoreError
from engine.store.retention import ACTION as RETENTION_ACTION
from engine.store.schema import (
    AUDITED,
    CHAINED_TABLES,
    OPERATIONAL_TABLES,
    PAYLOAD_TABLES,
    AuditRow,
    CasePayloadRow,
    CaseVersionRow,
    EvaluationRow,
    ReportPayloadRow,
    UserRow,
    expected_triggers,
)

BATCH = 2000


def _event(r: AuditRow) -> AuditEvent:
    return AuditEvent(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.digest, r.prev_hash, r.hash,
                      r.key_id)


def _audit_rows(s: Session) -> Iterator[AuditRow]:
    yield from s.scalars(select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=BATCH))


def _row_digests(s: Session) -> Iterator[tuple[str, str, str]]:
    for entity, (table, key) in AUDITED.items():
        for row in s.scalars(select(table).execution_options(yield_per=BATCH)):
            yield entity, key(row), chain.digest(row.record())


def _payload_break(s: Session) -> str | None:
    """A payload that no longer matches the hash its (chained) metadata row recorded."""
    checks = ((CasePayloadRow.data, CaseVersionRow, CasePayloadRow.case_version_id == CaseVersionRow.id,
               CaseVersionRow.content_hash, "case data of case_version id"),
              (ReportPayloadRow.report, EvaluationRow, ReportPayloadRow.evaluation_id == EvaluationRow.id,
               EvaluationRow.report_hash, "report of evaluation"))
    for column, table, join, recorded, what in checks:
        query = select(table.id, column, recorded).join(table, join).execution_options(yield_per=BATCH)
        for row_id, text_, expected in s.execute(query):
            if chain.sha256(text_) != expected:
                return f"the {what} {row_id} differs from its recorded hash"
    return None


def _missing_payload(s: Session, retained: set[str]) -> str | None:
    """A payload removed without a retention event for its case (retention is the only deleter)."""
    cases = (select(CaseVersionRow.case_id, CaseVersionRow.version).outerjoin(CasePayloadRow)
             .where(CasePayloadRow.case_version_id.is_(None)))
    for case_id, version in s.execute(cases):
        if case_id not in retained:
            return f"the case data of {case_id} version {version} was deleted with no retention event for the case"
    reports = (select(EvaluationRow.case_id, EvaluationRow.id).outerjoin(ReportPayloadRow)
               .where(ReportPayloadRow.evaluation_id.is_(None)))
    for case_id, evaluation_id in s.execute(reports):
        if case_id not in retained:
            return f"the report of evaluation {evaluation_id} was deleted with no retention event for {case_id}"
    return None


_PG_TRIGGERS = """
SELECT c.relname, t.tgname, t.tgenabled, p.proname, p.prosrc
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(current_schema())
"""


def trigger_problems(s: Session) -> list[str]:
    """Each guard trigger that is missing, disabled, or no longer refuses."""
    dialect = s.get_bind().dialect.name
    expected = expected_triggers(dialect)
    working: set[tuple[str, str]] = set()
    if dialect == "sqlite":
        for table, name, sql in s.execute(text("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")):
            if "RAISE(ABORT" in (sql or "").upper().replace(" ", ""):
                working.add((table, name))
    else:
        for table, name, enabled, function, source in s.execute(text(_PG_TRIGGERS)):
            if enabled != "D" and function == "fairchance_refuse_change" and "RAISE EXCEPTION" in source.upper():
                working.add((table, name))
    return [f"the guard trigger {name} on {table} is missing, disabled or no longer refuses"
            for table, name in sorted(expected - working)]


def table_problems(s: Session) -> list[str]:
    known = CHAINED_TABLES | PAYLOAD_TABLES | OPERATIONAL_TABLES
    present = set(inspect(s.connection()).get_table_names())
    out = [f"the table {t} is missing" for t in sorted(known - present)]
    out += [f"the table {t} is not one the store keeps (nothing covers it)" for t in sorted(present - known)]
    return out


class AuditMethods(StoreBase):
    def audit_events(self) -> list[AuditEvent]:
        with self.reading() as s:
            return [_event(r) for r in _audit_rows(s)]

    def _anchors(self) -> dict[int, str] | None:
        """seq -> hash of every anchored head; None if there is no anchor file."""
        if not self._anchor.exists():
            return None
        return {a.seq: a.hash for a in read_anchors(self._anchor)}

    def verify_chain(self) -> ChainStatus:
        """Everything the module's docstring lists; the first problem found is `reason`, all are `problems`."""
        try:
            anchors = self._anchors()
        except StoreError as exc:
            anchors, anchor_problem = {}, str(exc)
        else:
            anchor_problem = None
        with self.reading() as s:
            problems = table_problems(s) + trigger_problems(s)
            if problems and any("is missing" in p and "table" in p for p in problems):
                return ChainStatus(False, 0, None, problems[0], tuple(problems))
            events: dict[tuple[str, str], tuple[int, str]] = {}
            retained: set[str] = set()

            def remember(rows: Iterator[AuditRow]) -> Iterator[AuditRow]:
                for r in rows:
                    if r.entity in AUDITED:
                        events[(r.entity, r.entity_id)] = (r.seq, r.digest)
                    elif r.action == RETENTION_ACTION:
                        retained.add(r.entity_id)
                    yield r

            count, broken = chain.first_break(remember(_audit_rows(s)), self._keys, anchors)
            if anchors is None and count:
                anchor_problem = (f"there is no anchor at {self._anchor}: the head of the chain cannot be checked "
                                  f"(set $FAIRCHANCE_AUDIT_ANCHOR to where the anchor is kept)")
            if broken is None:
                broken = chain.check_rows(events, _row_digests(s), lambda entity: entity in AUDITED)
            if broken is None and (payload := _payload_break(s) or _missing_payload(s, retained)) is not None:
                broken = chain.Break(None, payload)
        first_broken = broken.seq if broken else None
        if broken is not None:
            problems.insert(0, broken.reason)
        if anchor_problem:
            problems.append(anchor_problem)
        if not problems:
            return ChainStatus(True, count, None, None)
        return ChainStatus(False, count, first_broken, problems[0], tuple(problems))

    def seal_legacy_chain(self, actor: str = "system") -> None:
        """After migrating from schema 0001: a keyed event binding the unkeyed chain, and one per user
        covering the user's row as it stands (user events of 0001 covered only part of the row)."""
        with self.transaction() as s:
            head = s.execute(select(AuditRow.seq, AuditRow.key_id).order_by(AuditRow.seq.desc()).limit(1)).first()
            users = s.scalars(select(UserRow).order_by(UserRow.username)).all()
            if head is None and not users:
                return
            if head is not None and head.key_id is not None:
                return
            self.event(s, actor, "chain.keyed", "store", "chain", {"legacy_head": head.seq if head else 0})
            for row in users:
                self.event(s, actor, "user.baseline", "user", row.username, row.record())
