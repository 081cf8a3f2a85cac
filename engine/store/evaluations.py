"""Evaluations: the full report (a payload retention may delete) and its metadata (kept, chained)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from engine.store.base import StoreBase, required_text
from engine.store.cases import CaseMethods
from engine.store.chain import canonical, sha256
from engine.store.records import Evaluation, StoreError
from engine.store.schema import EvaluationRow, ReportPayloadRow


def _evaluation(row: EvaluationRow, report: str | None) -> Evaluation:
    return Evaluation(row.id, row.case_id, row.version, row.rules_version, row.engine_version, row.evaluator,
                      row.as_at, row.created_at, row.created_by, row.outcome,
                      json.loads(report) if report is not None else None)


def _field(report: dict[str, Any], *path: str) -> Any:
    value: Any = report
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise StoreError(f"report.{'.'.join(path)}: missing; expected a report/1 from engine.report.assess")
        value = value[key]
    return value


def _as_at(report: dict[str, Any]) -> date:
    text = _field(report, "assessed_on")
    try:
        return date.fromisoformat(str(text))
    except ValueError as exc:
        raise StoreError(f"report.assessed_on: expected a date as YYYY-MM-DD, found {text!r}") from exc


class EvaluationMethods(CaseMethods, StoreBase):
    def record_evaluation(self, case_id: str, version: int, report: dict[str, Any], evaluator: str,
                          actor: str) -> Evaluation:
        if not isinstance(report, dict):
            raise StoreError("report: expected the report mapping from engine.report.assess")
        if report.get("case_id", case_id) != case_id:
            raise StoreError(f"report.case_id: the report is for {report.get('case_id')!r}, not {case_id!r}")
        required_text("evaluator", evaluator, "name the evaluator (native or durable)")
        text = canonical(report)
        with self.transaction() as s:
            case = self._case_row(s, case_id, version)
            row = EvaluationRow(case_version_id=case.id, case_id=case_id, version=case.version,
                                rules_version=str(_field(report, "rules_version")),
                                engine_version=str(_field(report, "engine_version")), evaluator=evaluator,
                                as_at=_as_at(report), created_at=self.now(), created_by=actor,
                                outcome=str(_field(report, "recommendation", "outcome")),
                                discuss_before_withdrawal=bool(
                                    _field(report, "recommendation", "discuss_before_withdrawal")),
                                report_hash=sha256(text))
            s.add(row)
            s.flush()
            s.add(ReportPayloadRow(evaluation_id=row.id, report=text))
            self.event(s, actor, "evaluation.record", "evaluation", str(row.id), row.record())
            return _evaluation(row, text)

    def evaluation(self, evaluation_id: int) -> Evaluation:
        with self.reading() as s:
            row = s.get(EvaluationRow, evaluation_id)
            if row is None:
                raise StoreError(f"evaluation_id: no evaluation {evaluation_id!r}")
            payload = s.get(ReportPayloadRow, row.id)
            return _evaluation(row, payload.report if payload else None)

    def evaluations(self, case_id: str) -> list[Evaluation]:
        with self.reading() as s:
            rows = s.execute(select(EvaluationRow, ReportPayloadRow.report).outerjoin(ReportPayloadRow)
                             .where(EvaluationRow.case_id == case_id).order_by(EvaluationRow.id)).all()
            return [_evaluation(row, report) for row, report in rows]

    def iter_evaluations(self, since: date | None = None, batch: int = 1000) -> Iterator[Evaluation]:
        """Every evaluation recorded on or after `since` (UTC), oldest first, one short read per batch."""
        after = 0
        start = datetime.combine(since, time.min, UTC) if since else None
        while True:
            query = (select(EvaluationRow, ReportPayloadRow.report).outerjoin(ReportPayloadRow)
                     .where(EvaluationRow.id > after).order_by(EvaluationRow.id).limit(batch))
            if start is not None:
                query = query.where(EvaluationRow.created_at >= start)
            with self.reading() as s:
                found = [_evaluation(row, report) for row, report in s.execute(query)]
            if not found:
                return
            yield from found
            after = found[-1].id
