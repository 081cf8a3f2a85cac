"""Retention: remove certificate detail once the policy's period after the decision has passed.

The period is data (rules/policy/retention.yaml, the entry in force on the day retention runs). A case
is due when its latest decision is older than the period and nothing was added to it since (a newer
case version or evaluation means the case is open again). Its case payloads (the case file) and report
payloads go; the metadata, the decision and the audit chain stay, so the chain still verifies and the
decision can still be shown. Each case removed gets one audit event naming the ids removed, never the
content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.case.dates import add_months
from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import line_of, parse
from engine.legal.tables import Duration
from engine.rules.directory import default_rules_dir
from engine.rules.model import InForce
from engine.store.schema import CasePayloadRow, CaseVersionRow, DecisionRow, EvaluationRow, ReportPayloadRow

POLICY_FILE = "policy/retention.yaml"
ACTION = "retention.remove_payloads"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetentionPolicy(_Strict):
    id: str
    title: str
    keep_after_decision: Duration
    in_force: InForce
    choice: str
    source: str


class RetentionFile(_Strict):
    version: int
    policies: list[RetentionPolicy]


def load_policy(on: date, rules_dir: Path | None = None) -> RetentionPolicy:
    """The retention policy in force on `on`; a clear error naming the file if there is not exactly one."""
    path = (rules_dir or default_rules_dir()) / POLICY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), (), f"cannot read the retention policy: {exc.strerror}")]) from exc
    data, lines = parse(text, str(path))
    loaded, problems = build(RetentionFile, data, str(path), lines)
    if loaded is None:
        raise InputError(problems)
    in_force = [p for p in loaded.policies if p.in_force.covers(on)]
    if len(in_force) != 1:
        found = ", ".join(p.id for p in in_force) or "none"
        raise InputError([Problem(str(path), ("policies",), f"expected exactly one policy in force on {on}, "
                                  f"found {found}", line_of(lines, ("policies",)))])
    return in_force[0]


@dataclass(frozen=True)
class CaseRemoval:
    case_id: str
    decided_on: date
    case_versions: tuple[int, ...]   # version numbers whose case payload was removed
    evaluations: tuple[int, ...]     # evaluation ids whose report payload was removed


@dataclass(frozen=True)
class RetentionResult:
    today: date
    policy: str
    keep_months: int
    dry_run: bool
    removed: tuple[CaseRemoval, ...]

    @property
    def case_payloads(self) -> int:
        return sum(len(r.case_versions) for r in self.removed)

    @property
    def report_payloads(self) -> int:
        return sum(len(r.evaluations) for r in self.removed)


def _due(session: Session, today: date, months: int) -> list[tuple[str, date]]:
    """Cases whose latest decision is older than the period and that have had nothing added since."""
    latest = (select(DecisionRow.case_id, func.max(DecisionRow.decided_on).label("decided_on"),
                     func.max(DecisionRow.created_at).label("recorded"))
              .group_by(DecisionRow.case_id).order_by(DecisionRow.case_id))
    out = []
    for case_id, decided_on, recorded in session.execute(latest):
        if add_months(decided_on, months) >= today:
            continue
        newer_version = session.scalar(select(func.max(CaseVersionRow.created_at))
                                       .where(CaseVersionRow.case_id == case_id))
        newer_evaluation = session.scalar(select(func.max(EvaluationRow.created_at))
                                          .where(EvaluationRow.case_id == case_id))
        if max(newer_version, newer_evaluation) <= recorded:
            out.append((case_id, decided_on))
    return out


def _removal(session: Session, case_id: str, decided_on: date) -> CaseRemoval:
    versions = session.scalars(select(CaseVersionRow.version)
                               .join(CasePayloadRow, CasePayloadRow.case_version_id == CaseVersionRow.id)
                               .where(CaseVersionRow.case_id == case_id).order_by(CaseVersionRow.version)).all()
    evaluations = session.scalars(select(EvaluationRow.id)
                                  .join(ReportPayloadRow, ReportPayloadRow.evaluation_id == EvaluationRow.id)
                                  .where(EvaluationRow.case_id == case_id).order_by(EvaluationRow.id)).all()
    return CaseRemoval(case_id, decided_on, tuple(versions), tuple(evaluations))


def _remove(session: Session, removal: CaseRemoval) -> None:
    version_ids = select(CaseVersionRow.id).where(CaseVersionRow.case_id == removal.case_id,
                                                  CaseVersionRow.version.in_(removal.case_versions))
    session.execute(delete(CasePayloadRow).where(CasePayloadRow.case_version_id.in_(version_ids)))
    session.execute(delete(ReportPayloadRow).where(ReportPayloadRow.evaluation_id.in_(removal.evaluations)))


def apply_retention(store, today: date, actor: str, dry_run: bool = False,
                    rules_dir: Path | None = None) -> RetentionResult:
    """Remove the payloads of every due case, in one transaction with one audit event per case."""
    policy = load_policy(today, rules_dir)
    months = policy.keep_after_decision.in_months
    with store.transaction() as session:
        removals = [r for r in (_removal(session, c, d) for c, d in _due(session, today, months))
                    if r.case_versions or r.evaluations]
        if not dry_run:
            for removal in removals:
                _remove(session, removal)
                store.event(session, actor, ACTION, "case", removal.case_id,
                            {"case_id": removal.case_id, "case_versions": list(removal.case_versions),
                             "evaluations": list(removal.evaluations), "policy": policy.id,
                             "keep_months": months, "decided_on": removal.decided_on, "today": today})
    return RetentionResult(today, policy.id, months, dry_run, tuple(removals))
