"""Panel records: each member's view, the chair's decision, the OH outcome, and the access log."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.report.rulebase import load_rules
from engine.rules.native import run_set
from engine.store.base import NAME, StoreBase, check_name, required_text
from engine.store.chain import canonical
from engine.store.records import DATA_KINDS, EVENT_KINDS, Access, Decision, MemberView, OhOutcome, StoreError
from engine.store.rules_snapshot import fact_values, load_snapshot
from engine.store.schema import (
    AccessRow,
    CaseVersionRow,
    DecisionRow,
    EvaluationRow,
    MemberViewRow,
    OhOutcomeRow,
    RulesSnapshotRow,
)

# The fact the rules set when an outcome could lead to withdrawing the offer, so that the applicant is
# heard first (DBS Code of Practice); rules/framework/review.rules.yaml gives it for every outcome.
DISCUSSION_FACT = "discuss_before_withdrawal"


def _view(r: MemberViewRow) -> MemberView:
    return MemberView(r.id, r.evaluation_id, r.member, r.panel_role, r.view, r.comment, r.created_at)


def _decision(r: DecisionRow) -> Decision:
    members = tuple((member, role, view) for member, role, view in json.loads(r.members))
    return Decision(r.id, r.evaluation_id, r.case_id, r.chair, members, r.recommended, r.final_outcome,
                    r.agrees, r.rationale, r.applicant_discussion, r.decided_on, r.created_at)


def _oh(r: OhOutcomeRow) -> OhOutcome:
    return OhOutcome(r.id, r.evaluation_id, r.case_id, r.clinician, r.outcome, tuple(json.loads(r.adjustments)),
                     r.review_on, r.note, r.created_at)


def _access(r: AccessRow) -> Access:
    return Access(r.id, r.at, r.actor, r.case_id, r.data_kind, r.purpose)


def _evaluation_row(s: Session, evaluation_id: int) -> EvaluationRow:
    row = s.get(EvaluationRow, evaluation_id)
    if row is None:
        raise StoreError(f"evaluation_id: no evaluation {evaluation_id!r}")
    return row


def _check_word(s: Session, evaluation: EvaluationRow, field: str, value: object, fact: str) -> str:
    """A word from the vocabulary of the rules the evaluation ran under (from its snapshot, when saved)."""
    word = check_name(field, value) if isinstance(value, str) and value else None
    if word is None:
        raise StoreError(f"{field}: expected an outcome word, found {value!r}")
    snapshot = s.get(RulesSnapshotRow, evaluation.rules_version)
    allowed = fact_values(json.loads(snapshot.files), fact) if snapshot else None
    if allowed is not None and word not in allowed:
        raise StoreError(f"{field}: expected one of {', '.join(allowed)}, found {word!r}")
    return word


def _calls_for_discussion(s: Session, evaluation: EvaluationRow, final: str, on: date) -> bool:
    """Whether the rules say the final outcome could lead to withdrawal. For the recommended outcome the
    evaluation already says; for another, the rule set producing the discussion fact is run for it on
    the decision date, under the rules the evaluation ran under (its snapshot; the rules on disk if
    none was saved)."""
    if final == evaluation.outcome:
        return bool(evaluation.discuss_before_withdrawal)
    snapshot = s.get(RulesSnapshotRow, evaluation.rules_version)
    rules = load_snapshot(evaluation.rules_version, json.loads(snapshot.files)) if snapshot else load_rules()
    cset = next(c for c in rules.book.sets if DISCUSSION_FACT in c.produces)
    outputs, _ = run_set(cset, {"recommendation": final}, on)
    return outputs[DISCUSSION_FACT] is True


def _date(field: str, value: object, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if not isinstance(value, date):
        raise StoreError(f"{field}: expected a date, found {value!r}")
    return value


class PanelMethods(StoreBase):
    def record_member_view(self, evaluation_id: int, member: str, panel_role: str, view: str, comment: str,
                           actor: str) -> MemberView:
        with self.transaction() as s:
            evaluation = _evaluation_row(s, evaluation_id)
            if s.scalar(select(DecisionRow.id).where(DecisionRow.evaluation_id == evaluation_id)) is not None:
                raise StoreError("evaluation_id: the panel has already decided; views are closed")
            name = check_name("member", member)
            if s.scalar(select(MemberViewRow.id).where(MemberViewRow.evaluation_id == evaluation_id,
                                                       MemberViewRow.member == name)) is not None:
                raise StoreError(f"member: {name!r} has already recorded a view on evaluation {evaluation_id}")
            row = MemberViewRow(evaluation_id=evaluation_id, member=name,
                                panel_role=required_text("panel_role", panel_role, "name the member's panel role"),
                                view=_check_word(s, evaluation, "view", view, "recommendation"),
                                comment=comment if isinstance(comment, str) else "", created_at=self.now(),
                                created_by=actor)
            s.add(row)
            s.flush()
            self.event(s, actor, "member_view.record", "member_view", str(row.id), row.record())
            return _view(row)

    def member_views(self, evaluation_id: int) -> list[MemberView]:
        with self.reading() as s:
            return [_view(r) for r in s.scalars(select(MemberViewRow).where(MemberViewRow.evaluation_id ==
                                                                           evaluation_id).order_by(MemberViewRow.id))]

    def record_decision(self, evaluation_id: int, chair: str, final_outcome: str, agrees: bool, rationale: str,
                        decided_on: date, applicant_discussion: str | None, actor: str) -> Decision:
        why = required_text("rationale", rationale, "a decision needs a rationale, whether it agrees or overrides")
        day = _date("decided_on", decided_on)
        with self.transaction() as s:
            evaluation = _evaluation_row(s, evaluation_id)
            if s.scalar(select(DecisionRow.id).where(DecisionRow.evaluation_id == evaluation_id)) is not None:
                raise StoreError(f"evaluation_id: evaluation {evaluation_id} already has a decision; "
                                 f"a new decision needs a new evaluation")
            final = _check_word(s, evaluation, "final_outcome", final_outcome, "recommendation")
            if not isinstance(agrees, bool) or agrees != (final == evaluation.outcome):
                raise StoreError(f"agrees: the recommendation was {evaluation.outcome!r} and the final outcome is "
                                 f"{final!r}, so agrees must be {final == evaluation.outcome}")
            discussion = self._discussion(s, evaluation, final, day, applicant_discussion)
            row = DecisionRow(evaluation_id=evaluation_id, case_id=evaluation.case_id,
                              chair=check_name("chair", chair), members=canonical(self._members(s, evaluation_id,
                                                                                                   chair, final)),
                              recommended=evaluation.outcome, final_outcome=final, agrees=agrees, rationale=why,
                              applicant_discussion=discussion,
                              decided_on=day, created_at=self.now(), created_by=actor)
            s.add(row)
            s.flush()
            self.event(s, actor, "decision.record", "decision", str(row.id), row.record())
            return _decision(row)

    @staticmethod
    def _discussion(s: Session, evaluation: EvaluationRow, final: str, on: date, text: str | None) -> str | None:
        if evaluation.discuss_before_withdrawal or _calls_for_discussion(s, evaluation, final, on):
            return required_text("applicant_discussion", text, "the outcome could lead to withdrawing the offer: "
                                 "record the discussion with the applicant (DBS Code of Practice)")
        return text.strip() if isinstance(text, str) and text.strip() else None

    @staticmethod
    def _members(s: Session, evaluation_id: int, chair: str, final: str) -> list[list[str]]:
        views = s.scalars(select(MemberViewRow).where(MemberViewRow.evaluation_id == evaluation_id)
                          .order_by(MemberViewRow.id)).all()
        members = [[v.member, v.panel_role, v.view] for v in views]
        if chair not in {v.member for v in views}:
            members.append([chair, "chair", final])
        return members

    def decisions(self, case_id: str | None = None) -> list[Decision]:
        query = select(DecisionRow).order_by(DecisionRow.id)
        if case_id is not None:
            query = query.where(DecisionRow.case_id == case_id)
        with self.reading() as s:
            return [_decision(r) for r in s.scalars(query)]

    def record_oh_outcome(self, evaluation_id: int, clinician: str, outcome: str, adjustments: list[str],
                          review_on: date | None, note: str, actor: str) -> OhOutcome:
        if not isinstance(adjustments, list | tuple) or not all(isinstance(a, str) and a for a in adjustments):
            raise StoreError("adjustments: expected a list of adjustment names")
        with self.transaction() as s:
            evaluation = _evaluation_row(s, evaluation_id)
            row = OhOutcomeRow(evaluation_id=evaluation_id, case_id=evaluation.case_id,
                               clinician=check_name("clinician", clinician),
                               outcome=_check_word(s, evaluation, "outcome", outcome, "oh_outcome"),
                               adjustments=canonical(list(adjustments)),
                               review_on=_date("review_on", review_on, optional=True),
                               note=note if isinstance(note, str) else "", created_at=self.now(), created_by=actor)
            s.add(row)
            s.flush()
            self.event(s, actor, "oh_outcome.record", "oh_outcome", str(row.id), row.record())
            return _oh(row)

    def oh_outcomes(self, case_id: str) -> list[OhOutcome]:
        with self.reading() as s:
            return [_oh(r) for r in s.scalars(select(OhOutcomeRow).where(OhOutcomeRow.case_id == case_id)
                                              .order_by(OhOutcomeRow.id))]

    def log_access(self, actor: str, case_id: str, data_kind: str, purpose: str) -> None:
        if data_kind not in DATA_KINDS:
            raise StoreError(f"data_kind: expected one of {', '.join(DATA_KINDS)}, found {data_kind!r}")
        why = required_text("purpose", purpose, "say why the data was viewed")
        with self.transaction() as s:
            if s.scalar(select(CaseVersionRow.id).where(CaseVersionRow.case_id == case_id).limit(1)) is None:
                raise StoreError(f"case_id: no case {case_id!r}")
            row = AccessRow(at=self.now(), actor=check_name("actor", actor), case_id=case_id, data_kind=data_kind,
                            purpose=why)
            s.add(row)
            s.flush()
            self.event(s, actor, "access.log", "access", str(row.id), row.record(), at=row.at)

    def log_event(self, actor: str | None, data_kind: str, purpose: str, case_id: str | None = None) -> None:
        """An access-log row that is not a view of case data: a refused read or write (`refused`), a failed
        sign-in (`sign_in`). The case, if any, need not exist (a refusal may name any id)."""
        if data_kind not in EVENT_KINDS:
            raise StoreError(f"data_kind: expected one of {', '.join(EVENT_KINDS)}, found {data_kind!r}")
        who = actor if actor and NAME.fullmatch(actor) else "unknown"
        with self.transaction() as s:
            row = AccessRow(at=self.now(), actor=who, case_id=(case_id or "")[:64], data_kind=data_kind,
                            purpose=required_text("purpose", purpose, "say what was refused"))
            s.add(row)
            s.flush()
            self.event(s, who, "access.log", "access", str(row.id), row.record(), at=row.at)

    def access_log(self, case_id: str | None = None) -> list[Access]:
        query = select(AccessRow).order_by(AccessRow.id)
        if case_id is not None:
            query = query.where(AccessRow.case_id == case_id)
        with self.reading() as s:
            return [_access(r) for r in s.scalars(query)]
