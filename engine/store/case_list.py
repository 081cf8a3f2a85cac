"""The case list in SQL: each case's latest version, arrival, status and outcome, filtered, counted and paged
in the database, so that a queue page costs one page of rows however many cases the store holds.

One statement gives every case's summary: the latest version (for the role title and the due date), the first
version's time (the arrival), the latest evaluation (its outcome), and the decision on that evaluation (the
status `decided` and the final outcome). The same statement, filtered, serves the queue, the case chooser and
the OH list; its count serves the page controls. It is plain SQL that SQLite and PostgreSQL both run.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, case, exists, func, select
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


def _filtered(query: Select, wanted: CaseFilter) -> Select:
    status = query.selected_columns.status
    unknown = sorted(set(wanted.statuses) - set(CASE_STATUSES))
    if unknown:
        raise StoreError(f"statuses: expected some of {', '.join(CASE_STATUSES)}, found {', '.join(unknown)}")
    if wanted.statuses:
        query = query.where(status.in_(wanted.statuses))
    if wanted.outcomes:
        query = query.where(query.selected_columns.outcome.in_(wanted.outcomes))
    needle = wanted.text.strip().lower()
    if needle:      # autoescape: a % or _ typed in the box is that character, not a wildcard
        query = query.where(func.lower(CaseVersionRow.case_id).contains(needle, autoescape=True)
                            | func.lower(func.coalesce(CaseVersionRow.role_title, "")).contains(needle,
                                                                                              autoescape=True))
    if wanted.arrived_before is not None:
        query = query.where(status != CASE_STATUSES[2], query.selected_columns.arrived < wanted.arrived_before)
    return query


def _summary(row) -> CaseSummary:
    return CaseSummary(row.case_id, row.version, row.role_title, row.assessed_on, row.status, row.outcome,
                       row.arrived, row.decided_at, bool(row.oh_recorded))


def all_cases(s: Session) -> list[CaseSummary]:
    """Every case, by case id."""
    return [_summary(r) for r in s.execute(_summary_select().order_by(CaseVersionRow.case_id))]


def case_page(s: Session, wanted: CaseFilter, offset: int, limit: int) -> CasePage:
    """One page of the cases the filter matches, by due date (none last), then case id; with the counts."""
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise StoreError(f"limit: expected 1 to {MAX_PAGE} rows from an offset of 0 or more, found {limit} "
                         f"from {offset}")
    query = _filtered(_summary_select(), wanted)
    matching = s.scalar(select(func.count()).select_from(query.subquery()))
    total = s.scalar(select(func.count(func.distinct(CaseVersionRow.case_id))))
    ordered = query.order_by(CaseVersionRow.assessed_on.is_(None), CaseVersionRow.assessed_on,
                             CaseVersionRow.case_id).offset(offset).limit(limit)
    return CasePage(tuple(_summary(r) for r in s.execute(ordered)), matching or 0, total or 0)
