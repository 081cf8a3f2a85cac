"""Reading and verifying the audit chain, and checking every audited row against its event's digest."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store import chain
from engine.store.base import StoreBase
from engine.store.records import AuditEvent, ChainStatus
from engine.store.schema import AUDITED, AuditRow, CasePayloadRow, CaseVersionRow, EvaluationRow, ReportPayloadRow

BATCH = 2000


def _event(r: AuditRow) -> AuditEvent:
    return AuditEvent(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.digest, r.prev_hash, r.hash)


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
        for row_id, text, expected in s.execute(query):
            if chain.sha256(text) != expected:
                return f"the {what} {row_id} differs from its recorded hash"
    return None


class AuditMethods(StoreBase):
    def audit_events(self) -> list[AuditEvent]:
        with self.reading() as s:
            return [_event(r) for r in _audit_rows(s)]

    def verify_chain(self) -> ChainStatus:
        """The links in seq order first, then every audited row and payload against what was recorded."""
        with self.reading() as s:
            events: dict[tuple[str, str], tuple[int, str]] = {}

            def remember(rows: Iterator[AuditRow]) -> Iterator[AuditRow]:
                for r in rows:
                    if r.entity in AUDITED:
                        events[(r.entity, r.entity_id)] = (r.seq, r.digest)
                    yield r

            count, broken = chain.first_break(remember(_audit_rows(s)))
            if broken is None:
                broken = chain.check_rows(events, _row_digests(s), lambda entity: entity in AUDITED)
            if broken is None and (payload := _payload_break(s)) is not None:
                broken = chain.Break(None, payload)
        if broken is None:
            return ChainStatus(True, count, None, None)
        return ChainStatus(False, count, broken.seq, broken.reason)
