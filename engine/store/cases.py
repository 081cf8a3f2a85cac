"""Case versions (immutable; a correction is a new version with who and why) and rules snapshots."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.store.base import StoreBase, required_text
from engine.store.case_list import all_cases, case_page
from engine.store.chain import canonical, sha256
from engine.store.records import CaseFilter, CasePage, CaseSummary, CaseVersion, StoreError
from engine.store.schema import CasePayloadRow, CaseVersionRow, RulesSnapshotRow


def _assessed_on(data: dict[str, Any]) -> date | None:
    value = data.get("assessed_on")
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise StoreError(f"data.assessed_on: expected a date as YYYY-MM-DD, found {value!r}") from exc


def _version(row: CaseVersionRow, payload: str | None) -> CaseVersion:
    return CaseVersion(row.case_id, row.version, row.created_at, row.created_by, row.reason, row.content_hash,
                       json.loads(payload) if payload is not None else None)


class CaseMethods(StoreBase):
    def add_case_version(self, data: dict[str, Any], actor: str, reason: str) -> CaseVersion:
        if not isinstance(data, dict):
            raise StoreError("data: expected a case/1 mapping")
        case_id = required_text("data.case_id", data.get("case_id"), "a case needs a case_id")
        why = required_text("reason", reason, "a case version needs a reason (who changed what, and why)")
        text = canonical(data)
        role = data.get("role")
        with self.transaction() as s:
            last = s.scalar(select(func.max(CaseVersionRow.version)).where(CaseVersionRow.case_id == case_id))
            row = CaseVersionRow(case_id=case_id, version=(last or 0) + 1, created_at=self.now(), created_by=actor,
                                 reason=why, content_hash=sha256(text),
                                 role_title=role.get("title") if isinstance(role, dict) else None,
                                 assessed_on=_assessed_on(data))
            s.add(row)
            s.flush()
            s.add(CasePayloadRow(case_version_id=row.id, data=text))
            self.event(s, actor, "case.version", "case_version", f"{case_id}/{row.version}", row.record())
            return _version(row, text)

    def _case_row(self, s: Session, case_id: str, version: int | None) -> CaseVersionRow:
        query = select(CaseVersionRow).where(CaseVersionRow.case_id == case_id)
        if version is not None:
            query = query.where(CaseVersionRow.version == version)
        row = s.scalar(query.order_by(CaseVersionRow.version.desc()).limit(1))
        if row is None:
            raise StoreError(f"case_id: no case {case_id!r}" + (f" version {version}" if version is not None else ""))
        return row

    def case_version(self, case_id: str, version: int | None = None) -> CaseVersion:
        with self.reading() as s:
            row = self._case_row(s, case_id, version)
            payload = s.get(CasePayloadRow, row.id)
            return _version(row, payload.data if payload else None)

    def case_exists(self, case_id: str) -> bool:
        with self.reading() as s:
            return s.scalar(select(CaseVersionRow.id).where(CaseVersionRow.case_id == case_id).limit(1)) is not None

    def case_versions(self, case_id: str) -> list[CaseVersion]:
        with self.reading() as s:
            rows = s.execute(select(CaseVersionRow, CasePayloadRow.data).outerjoin(CasePayloadRow)
                             .where(CaseVersionRow.case_id == case_id).order_by(CaseVersionRow.version)).all()
            return [_version(row, data) for row, data in rows]

    def list_cases(self) -> list[CaseSummary]:
        """Every case, by case id (the audit report and the export read them all; screens read pages)."""
        with self.reading() as s:
            return all_cases(s)

    def cases_page(self, wanted: CaseFilter | None = None, offset: int = 0, limit: int = 25,
                   overdue_before: datetime | None = None) -> CasePage:
        """One page of the cases `wanted` matches, by due date then case id, filtered and counted in SQL; with
        `overdue_before`, also the count of cases not decided that arrived before it (whatever the filter)."""
        with self.reading() as s:
            return case_page(s, wanted or CaseFilter(), offset, limit, overdue_before)

    def save_rules_snapshot(self, version: str, files: dict[str, str], actor: str = "system") -> None:
        required_text("version", version, "a rules snapshot needs the rules version")
        if not files or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise StoreError("files: expected a mapping of relative path to file text")
        with self.transaction() as s:
            if s.get(RulesSnapshotRow, version) is not None:
                return
            row = RulesSnapshotRow(version=version, files=canonical(files), created_at=self.now())
            s.add(row)
            self.event(s, actor, "rules.snapshot", "rules_snapshot", version, row.record())

    def rules_snapshot(self, version: str) -> dict[str, str] | None:
        with self.reading() as s:
            row = s.get(RulesSnapshotRow, version)
            return json.loads(row.files) if row else None
