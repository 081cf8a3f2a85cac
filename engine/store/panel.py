"""Panel records: each member's view, the chair's decision, the OH outcome, and the access log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.case.loader import case_from_data
from engine.framework.letters import Letter, decision_letter, letter_text, load_employer, load_letter_words
from engine.report.rulebase import Rules, load_rules
from engine.store.base import NAME, StoreBase, check_name, required_text
from engine.store.chain import canonical, sha256
from engine.store.decision_policy import Panel, load_decision_policy
from engine.store.records import (
    DATA_KINDS,
    EVENT_KINDS,
    Access,
    AccessFilter,
    Decision,
    DecisionRefused,
    MemberView,
    OhOutcome,
    StoreError,
)
from engine.store.rules_snapshot import fact_values, load_snapshot
from engine.store.schema import (
    AccessRow,
    CasePayloadRow,
    CaseVersionRow,
    DecisionRow,
    EvaluationRow,
    MemberViewRevisionRow,
    MemberViewRow,
    OhOutcomeRow,
    ReportPayloadRow,
    RulesSnapshotRow,
)

# The fact the rules set when an outcome could lead to withdrawing the offer, so that the applicant is
# heard first (DBS Code of Practice); rules/framework/review.rules.yaml gives it for every outcome.
DISCUSSION_FACT = "discuss_before_withdrawal"


def _view(r: MemberViewRow, latest: MemberViewRevisionRow | None = None) -> MemberView:
    """A member's view as it stands: the first one, or its latest revision."""
    if latest is None:
        return MemberView(r.id, r.evaluation_id, r.member, r.panel_role, r.view, r.comment, r.created_at)
    return MemberView(r.id, r.evaluation_id, r.member, latest.panel_role, latest.view, latest.comment,
                      latest.created_at, latest.revision)


def _revision(r: MemberViewRow, rev: MemberViewRevisionRow) -> MemberView:
    return MemberView(r.id, r.evaluation_id, r.member, rev.panel_role, rev.view, rev.comment, rev.created_at,
                      rev.revision)


def _decision(r: DecisionRow) -> Decision:
    members = tuple((member, role, view) for member, role, view in json.loads(r.members))
    absences = tuple((role, why) for role, why in sorted(json.loads(r.absences).items())) if r.absences else ()
    return Decision(r.id, r.evaluation_id, r.case_id, r.chair, members, r.recommended, r.final_outcome,
                    r.agrees, r.rationale, r.applicant_discussion, r.decided_on, r.created_at, r.chair_role,
                    absences, r.letter_hash)


def _oh(r: OhOutcomeRow, superseded_by: int | None = None) -> OhOutcome:
    return OhOutcome(r.id, r.evaluation_id, r.case_id, r.clinician, r.outcome, tuple(json.loads(r.adjustments)),
                     r.review_on, r.note, r.created_at, r.supersedes, r.supersede_reason, superseded_by)


def _access(r: AccessRow) -> Access:
    return Access(r.id, r.at, r.actor, r.case_id, r.data_kind, r.purpose)


def _access_filtered(query: Select, case_id: str | None, wanted: AccessFilter) -> Select:
    if case_id is not None:
        query = query.where(AccessRow.case_id == case_id)
    if wanted.case_text.strip():    # autoescape: a % or _ typed is that character, not a wildcard
        query = query.where(func.lower(AccessRow.case_id).contains(wanted.case_text.strip().lower(), autoescape=True))
    if wanted.actor:
        query = query.where(AccessRow.actor == wanted.actor)
    if wanted.since is not None:
        query = query.where(AccessRow.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AccessRow.at < wanted.until)
    return query


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


def _panel_word(field: str, value: object, allowed: dict[str, Any]) -> str:
    """A word of the panel's own vocabulary (rules/policy/decisions.yaml)."""
    if not isinstance(value, str) or value not in allowed:
        raise StoreError(f"{field}: expected one of {', '.join(allowed)}, found {value!r}")
    return value


def _rules_of(s: Session, evaluation: EvaluationRow) -> Rules:
    snapshot = s.get(RulesSnapshotRow, evaluation.rules_version)
    return load_snapshot(evaluation.rules_version, json.loads(snapshot.files)) if snapshot else load_rules()


def _payloads(s: Session, evaluation: EvaluationRow) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The case data and the report of an evaluation (None where retention removed them)."""
    case = s.get(CasePayloadRow, evaluation.case_version_id)
    report = s.get(ReportPayloadRow, evaluation.id)
    return (json.loads(case.data) if case else None), (json.loads(report.report) if report else None)


def _barred_stop(report: dict[str, Any] | None) -> str:
    value = ((report or {}).get("barred_stop") or {}).get("stopped")
    return {True: "yes", False: "no"}.get(value, "unknown") if isinstance(value, bool) else "unknown"


def _seats(panel: Panel, roles: set[str]) -> list[str]:
    """The seats no view (or recorded absence) fills, in words: 'a peer worker', 'a general manager or ...'."""
    return [" or ".join(panel.roles[r] for r in seat) for seat in panel.required if not roles & set(seat)]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _absences(value: object, panel: Panel) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StoreError("absences: expected the absent member's panel role and why they were absent")
    out = {}
    for role, why in value.items():
        _panel_word("absences", role, panel.roles)
        out[role] = required_text(f"absences.{role}", why, f"say why {panel.roles[role]} was absent")
    return out


def _date(field: str, value: object, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if not isinstance(value, date):
        raise StoreError(f"{field}: expected a date, found {value!r}")
    return value


def build_letter(rules: Rules, case_data: dict[str, Any] | None, report: dict[str, Any] | None, outcome: str,
                 decided_on: date) -> Letter | None:
    """The letter for a decision, from the case and report it was made on (None once retention removed them)."""
    if case_data is None or report is None:
        return None
    case = case_from_data(case_data, {}, "<store>", rules.tables)
    return decision_letter(case, outcome, decided_on, report["recommendation"], rules.wording.safeguards,
                           load_letter_words(), load_employer())


class PanelMethods(StoreBase):
    def record_member_view(self, evaluation_id: int, member: str, panel_role: str, view: str, comment: str,
                           actor: str) -> MemberView:
        """A member's view; a second one from the same member, before the decision, is a revision (the first
        stays as written, and each revision has its own audit event)."""
        policy = load_decision_policy()
        with self.transaction() as s:
            _evaluation_row(s, evaluation_id)
            if s.scalar(select(DecisionRow.id).where(DecisionRow.evaluation_id == evaluation_id)) is not None:
                raise StoreError("evaluation_id: the panel has already decided; views are closed")
            name = check_name("member", member)
            role = _panel_word("panel_role", panel_role, policy.panel(self.now().date()).roles)
            word = _panel_word("view", view, policy.outcomes)
            text = comment if isinstance(comment, str) else ""
            first = s.scalar(select(MemberViewRow).where(MemberViewRow.evaluation_id == evaluation_id,
                                                         MemberViewRow.member == name))
            if first is not None:
                return self._revise(s, first, role, word, text, actor)
            row = MemberViewRow(evaluation_id=evaluation_id, member=name, panel_role=role, view=word, comment=text,
                                created_at=self.now(), created_by=actor)
            s.add(row)
            s.flush()
            self.event(s, actor, "member_view.record", "member_view", str(row.id), row.record())
            return _view(row)

    def _revise(self, s: Session, first: MemberViewRow, role: str, view: str, comment: str,
                actor: str) -> MemberView:
        last = s.scalar(select(func.max(MemberViewRevisionRow.revision))
                        .where(MemberViewRevisionRow.view_id == first.id)) or 1
        row = MemberViewRevisionRow(view_id=first.id, revision=last + 1, panel_role=role, view=view, comment=comment,
                                    created_at=self.now(), created_by=actor)
        s.add(row)
        s.flush()
        self.event(s, actor, "member_view.revise", "member_view_revision", str(row.id), row.record())
        return _view(first, row)

    @staticmethod
    def _current_views(s: Session, evaluation_id: int) -> list[MemberView]:
        firsts = s.scalars(select(MemberViewRow).where(MemberViewRow.evaluation_id == evaluation_id)
                           .order_by(MemberViewRow.id)).all()
        latest: dict[int, MemberViewRevisionRow] = {}
        revisions = s.scalars(select(MemberViewRevisionRow).where(
            MemberViewRevisionRow.view_id.in_([f.id for f in firsts])).order_by(MemberViewRevisionRow.revision))
        for rev in revisions:
            latest[rev.view_id] = rev
        return [_view(f, latest.get(f.id)) for f in firsts]

    def member_views(self, evaluation_id: int) -> list[MemberView]:
        """Each member's view as it stands (the latest revision)."""
        with self.reading() as s:
            return self._current_views(s, evaluation_id)

    def member_view_history(self, evaluation_id: int) -> list[MemberView]:
        """Every version of every member's view, first views and revisions, oldest first."""
        with self.reading() as s:
            out = []
            for first in s.scalars(select(MemberViewRow).where(MemberViewRow.evaluation_id == evaluation_id)
                                   .order_by(MemberViewRow.id)):
                out.append(_view(first))
                out += [_revision(first, r) for r in s.scalars(select(MemberViewRevisionRow).where(
                    MemberViewRevisionRow.view_id == first.id).order_by(MemberViewRevisionRow.revision))]
            return out

    def record_decision(self, evaluation_id: int, chair: str, final_outcome: str, agrees: bool, rationale: str,
                        decided_on: date, applicant_discussion: str | None, actor: str,
                        chair_role: str | None = None, absences: dict[str, str] | None = None) -> Decision:
        """The chair's decision, refused (DecisionRefused, in plain words) by any guard of the decision policy;
        the letter for it is built from the case and report, and its hash is kept with the decision."""
        why = required_text("rationale", rationale, "a decision needs a rationale, whether it agrees or overrides")
        day = _date("decided_on", decided_on)
        policy = load_decision_policy()
        panel = policy.panel(day)
        with self.transaction() as s:
            evaluation = _evaluation_row(s, evaluation_id)
            if s.scalar(select(DecisionRow.id).where(DecisionRow.evaluation_id == evaluation_id)) is not None:
                raise StoreError(f"evaluation_id: evaluation {evaluation_id} already has a decision; "
                                 f"a new decision needs a new evaluation")
            final = _panel_word("final_outcome", final_outcome, policy.outcomes)
            if not isinstance(agrees, bool) or agrees != (final == evaluation.outcome):
                raise StoreError(f"agrees: the recommendation was {evaluation.outcome!r} and the final outcome is "
                                 f"{final!r}, so agrees must be {final == evaluation.outcome}")
            seat = _panel_word("chair_role", chair_role, panel.roles) if chair_role is not None else None
            absent = _absences(absences, panel)
            discussion = applicant_discussion.strip() if isinstance(applicant_discussion, str) else ""
            views = self._current_views(s, evaluation_id)
            case_data, report = _payloads(s, evaluation)
            missing = _seats(panel, {v.panel_role for v in views} | set(absent) | ({seat} if seat else set()))
            facts = {"recommendation": evaluation.outcome, "barred_stop": _barred_stop(report),
                     "applicant_discussion": "recorded" if discussion else "missing",
                     "panel": "incomplete" if missing else "complete"}
            refusals = policy.refusals(final, facts, day, missing=_and(missing) if missing else "")
            if refusals:
                raise DecisionRefused(" ".join(refusals))
            letter = build_letter(_rules_of(s, evaluation), case_data, report, final, day)
            members = [[v.member, v.panel_role, v.view] for v in views]
            if chair not in {v.member for v in views}:
                members.append([chair, seat or "chair", final])
            row = DecisionRow(evaluation_id=evaluation_id, case_id=evaluation.case_id,
                              chair=check_name("chair", chair), members=canonical(members),
                              recommended=evaluation.outcome, final_outcome=final, agrees=agrees, rationale=why,
                              applicant_discussion=discussion or None, decided_on=day, created_at=self.now(),
                              created_by=actor, chair_role=seat, absences=canonical(absent) if absent else None,
                              letter_hash=sha256(letter_text(letter)) if letter else None)
            s.add(row)
            s.flush()
            self.event(s, actor, "decision.record", "decision", str(row.id), row.record())
            return _decision(row)

    def decisions(self, case_id: str | None = None) -> list[Decision]:
        query = select(DecisionRow).order_by(DecisionRow.id)
        if case_id is not None:
            query = query.where(DecisionRow.case_id == case_id)
        with self.reading() as s:
            return [_decision(r) for r in s.scalars(query)]

    def decision_letter(self, decision_id: int) -> Letter | None:
        """The letter for a recorded decision, rebuilt from its case and report (None once they are removed);
        its text hashes to the decision's letter_hash while the letter words are unchanged."""
        with self.reading() as s:
            row = s.get(DecisionRow, decision_id)
            if row is None:
                raise StoreError(f"decision_id: no decision {decision_id!r}")
            evaluation = _evaluation_row(s, row.evaluation_id)
            case_data, report = _payloads(s, evaluation)
            return build_letter(_rules_of(s, evaluation), case_data, report, row.final_outcome, row.decided_on)

    def record_oh_outcome(self, evaluation_id: int, clinician: str, outcome: str, adjustments: list[str],
                          review_on: date | None, note: str, actor: str,
                          supersede_reason: str | None = None) -> OhOutcome:
        """An OH outcome; a review date where the policy asks for one; a second outcome on the case supersedes
        the one in force, with the reason (the earlier one is kept, marked superseded)."""
        if not isinstance(adjustments, list | tuple) or not all(isinstance(a, str) and a for a in adjustments):
            raise StoreError("adjustments: expected a list of adjustment names")
        policy = load_decision_policy()
        with self.transaction() as s:
            evaluation = _evaluation_row(s, evaluation_id)
            word = _check_word(s, evaluation, "outcome", outcome, "oh_outcome")
            review = _date("review_on", review_on, optional=True)
            needs_review = policy.review_required(word, self.now().date())
            if needs_review and review is None:
                raise StoreError(f"review_on: {needs_review}")
            current = s.scalar(select(OhOutcomeRow).where(OhOutcomeRow.case_id == evaluation.case_id)
                               .order_by(OhOutcomeRow.id.desc()).limit(1))
            reason = required_text("supersede_reason", supersede_reason, policy.oh.supersede.says) if current else None
            row = OhOutcomeRow(evaluation_id=evaluation_id, case_id=evaluation.case_id,
                               clinician=check_name("clinician", clinician), outcome=word,
                               adjustments=canonical(list(adjustments)), review_on=review,
                               note=note if isinstance(note, str) else "", created_at=self.now(), created_by=actor,
                               supersedes=current.id if current else None, supersede_reason=reason)
            s.add(row)
            s.flush()
            self.event(s, actor, "oh_outcome.record", "oh_outcome", str(row.id), row.record())
            return _oh(row)

    def oh_outcomes(self, case_id: str) -> list[OhOutcome]:
        """Every OH outcome on the case, oldest first; each superseded one names the outcome that replaced it."""
        with self.reading() as s:
            rows = s.scalars(select(OhOutcomeRow).where(OhOutcomeRow.case_id == case_id)
                             .order_by(OhOutcomeRow.id)).all()
            replaced = {r.supersedes: r.id for r in rows if r.supersedes is not None}
            return [_oh(r, replaced.get(r.id)) for r in rows]

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

    def access_log(self, case_id: str | None = None, wanted: AccessFilter | None = None, offset: int = 0,
                   limit: int | None = None, newest_first: bool = False) -> list[Access]:
        """The access log (one case's, given `case_id`), filtered by `wanted` and paged in SQL."""
        query = _access_filtered(select(AccessRow), case_id, wanted or AccessFilter())
        order = AccessRow.id.desc() if newest_first else AccessRow.id
        query = query.order_by(order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as s:
            return [_access(r) for r in s.scalars(query)]

    def access_log_count(self, wanted: AccessFilter | None = None) -> int:
        with self.reading() as s:
            query = _access_filtered(select(func.count(AccessRow.id)), None, wanted or AccessFilter())
            return s.scalar(query) or 0

    def access_log_actors(self) -> list[str]:
        """Everyone who appears in the access log, for a filter's choices."""
        with self.reading() as s:
            return list(s.scalars(select(AccessRow.actor).distinct().order_by(AccessRow.actor)))

    def decisions_page(self, case_text: str = "", offset: int = 0, limit: int = 25) -> tuple[list[Decision], int]:
        """Recorded decisions, newest first, whose case id holds `case_text`; one page and the count."""
        query = select(DecisionRow)
        if case_text.strip():
            query = query.where(func.lower(DecisionRow.case_id).contains(case_text.strip().lower(), autoescape=True))
        with self.reading() as s:
            count = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = s.scalars(query.order_by(DecisionRow.id.desc()).offset(offset).limit(limit))
            return [_decision(r) for r in rows], count
