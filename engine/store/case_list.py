"""The case list in SQL: each case's latest version, arrival, status and outcome, filtered, counted and paged
in the database, so that a queue page costs one page of rows however many cases the store holds.

One statement gives every case's summary: the latest version (for the role title and the due date), the first
version's time (the arrival), the latest evaluation (its outcome), and the decision on that evaluation (the
status `decided` and the final outcome). The same statement, filtered, serves the queue, the case chooser and
the OH list. A page is two statements over it: the counts (every case, those the filter matches, the overdue
ones) in one aggregate, then the page. It is plain SQL that SQLite and PostgreSQL both run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from engine.store.records import CASE_STATUSES, CaseFilter, CasePage, CaseSummary, StoreError
from engine.store.schema import CaseVersionRow, DecisionRow, EvaluationRow, OhOutcomeRow

MAX_PAGE = 500      # rows one read may return: a screen never needs more, and a runaway request stays cheap


def _summary_select() -> Select:
    """Every case's summary columns; filters and order are added by the caller."""
    versions = (select(CaseVersionRow.case_id, func.max(CaseVersionRow.version).label("latest"),
                       func.min(CaseVersionRow.created_at).label("arrived"))
                .group_by(CaseVersionRow.case_id).subquery("versions"))
    evaluated = (select(EvaluationRow.case_id, func.max(EvaluationRow.id).label("evaluation_id"))
                 .group_by(EvaluationRow.case_id).subquery("evaluated"))
    status = case((DecisionRow.id.is_not(None), CASE_STATUSES[2]), (EvaluationRow.id.is_not(None), CASE_STATUSES[1]),
                  else_=CASE_STATUSES[0])
    oh_recorded = exists().where(OhOutcomeRow.case_id == CaseVersionRow.case_id)
    return (select(CaseVersionRow.case_id, CaseVersionRow.version, CaseVersionRow.role_title,
                   CaseVersionRow.assessed_on, status.label("status"),
                   func.coalesce(DecisionRow.final_outcome, EvaluationRow.outcome).label("outcome"),
                   versions.c.arrived, DecisionRow.created_at.label("decided_at"), oh_recorded.label("oh_recorded"))
            .join(versions, and_(versions.c.case_id == CaseVersionRow.case_id,
                                 versions.c.latest == CaseVersionRow.version))
            .outerjoin(evaluated, evaluated.c.case_id == CaseVersionRow.case_id)
            .outerjoin(EvaluationRow, EvaluationRow.id == evaluated.c.evaluation_id)
            .outerjoin(DecisionRow, DecisionRow.evaluation_id == EvaluationRow.id))


def _conditions(c, wanted: CaseFilter) -> list[ColumnElement[bool]]:
    """The filter as conditions on the summary's columns `c`."""
    unknown = sorted(set(wanted.statuses) - set(CASE_STATUSES))
    if unknown:
        raise StoreError(f"statuses: expected some of {', '.join(CASE_STATUSES)}, found {', '.join(unknown)}")
    out: list[ColumnElement[bool]] = []
    if wanted.statuses:
        out.append(c.status.in_(wanted.statuses))
    if wanted.outcomes:
        out.append(c.outcome.in_(wanted.outcomes))
    needle = wanted.text.strip().lower()
    if needle:      # autoescape: a % or _ typed in the box is that character, not a wildcard
        out.append(func.lower(c.case_id).contains(needle, autoescape=True)
                   | func.lower(func.coalesce(c.role_title, "")).contains(needle, autoescape=True))
    if wanted.arrived_before is not None:
        out.append(_overdue(c, wanted.arrived_before))
    return out


def _overdue(c, before: datetime) -> ColumnElement[bool]:
    return and_(c.status != CASE_STATUSES[2], c.arrived < before)


def _count(condition: ColumnElement[bool] | None) -> ColumnElement[int]:
    return func.count() if condition is None else func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _summary(row) -> CaseSummary:
    return CaseSummary(row.case_id, row.version, row.role_title, row.assessed_on, row.status, row.outcome,
                       row.arrived, row.decided_at, bool(row.oh_recorded))


def all_cases(s: Session) -> list[CaseSummary]:
    """Every case, by case id."""
    summary = _summary_select().subquery("summary")
    return [_summary(r) for r in s.execute(select(summary).order_by(summary.c.case_id))]


def case_page(s: Session, wanted: CaseFilter, offset: int, limit: int,
              overdue_before: datetime | None = None) -> CasePage:
    """One page of the cases the filter matches, by due date (none last), then case id; with the counts (and
    the cases not decided that arrived before `overdue_before`, in the whole store), in two statements."""
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise StoreError(f"limit: expected 1 to {MAX_PAGE} rows from an offset of 0 or more, found {limit} "
                         f"from {offset}")
    summary = _summary_select().subquery("summary")
    c = summary.c
    conditions = _conditions(c, wanted)
    matching = and_(*conditions) if conditions else None
    overdue = _overdue(c, overdue_before) if overdue_before is not None else None
    total, matched, late = s.execute(select(_count(None), _count(matching), _count(overdue))
                                     .select_from(summary)).one()
    page = (select(summary).where(*conditions).order_by(c.assessed_on.is_(None), c.assessed_on, c.case_id)
            .offset(offset).limit(limit))
    return CasePage(tuple(_summary(r) for r in s.execute(page)), int(matched or 0), int(total or 0),
                    int(late or 0) if overdue is not None else None)
