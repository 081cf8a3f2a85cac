"""Releasing an OH outcome to the panel: the person sees the manager's summary first.

The clinician marks the summary of the outcome in force ready; the person's answer is recorded (agreed, or
the changes they asked for); only an agreed outcome is released, so only then may the panel roles open
the manager's summary and the passport (FOM ethics guidance: consent before release, and the person may
see the report first and ask for corrections). Each step is an append-only row, chained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.base import StoreBase, required_text
from engine.store.records import StoreError
from engine.store.schema import OhOutcomeRow, OhReleaseRow

READY, AGREED, CHANGES = "ready", "agreed", "changes_requested"
# What may follow each status (the latest step; "not_ready" when there is none).
NEXT = {"not_ready": (READY,), READY: (AGREED, CHANGES), CHANGES: (READY,), AGREED: ()}


@dataclass(frozen=True)
class ReleaseStep:
    step: str
    note: str
    at: datetime
    by: str


@dataclass(frozen=True)
class OhRelease:
    """Where the OH outcome in force stands: not_ready, ready, changes_requested or agreed (released)."""

    oh_outcome_id: int
    status: str
    steps: tuple[ReleaseStep, ...]

    @property
    def released(self) -> bool:
        return self.status == AGREED


def _in_force(s: Session, case_id: str) -> OhOutcomeRow | None:
    return s.scalar(select(OhOutcomeRow).where(OhOutcomeRow.case_id == case_id)
                    .order_by(OhOutcomeRow.id.desc()).limit(1))


def _release(s: Session, outcome: OhOutcomeRow) -> OhRelease:
    rows = s.scalars(select(OhReleaseRow).where(OhReleaseRow.oh_outcome_id == outcome.id)
                     .order_by(OhReleaseRow.id)).all()
    steps = tuple(ReleaseStep(r.step, r.note, r.created_at, r.created_by) for r in rows)
    return OhRelease(outcome.id, steps[-1].step if steps else "not_ready", steps)


class OhReleaseMethods(StoreBase):
    def oh_release(self, case_id: str) -> OhRelease | None:
        """The release of the OH outcome in force on the case (None if no outcome is recorded)."""
        with self.reading() as s:
            outcome = _in_force(s, case_id)
            return _release(s, outcome) if outcome else None

    def mark_oh_ready(self, case_id: str, actor: str) -> OhRelease:
        """The clinician marks the manager's summary of the outcome in force ready for the person to see."""
        return self._step(case_id, READY, "", actor)

    def record_oh_answer(self, case_id: str, agreed: bool, note: str, actor: str) -> OhRelease:
        """The person's answer to the summary: agreed (how and when they said so), or the changes they asked
        for. Nothing the person said is lost: the note is kept with the step."""
        what = ("say how and when the person agreed to the summary being shared" if agreed
                else "say what the person asked to change")
        return self._step(case_id, AGREED if agreed else CHANGES, required_text("note", note, what), actor)

    def _step(self, case_id: str, step: str, note: str, actor: str) -> OhRelease:
        with self.transaction() as s:
            outcome = _in_force(s, case_id)
            if outcome is None:
                raise StoreError(f"case_id: no OH outcome is recorded on {case_id!r}")
            status = _release(s, outcome).status
            if step not in NEXT[status]:
                raise StoreError(f"step: the summary is {status.replace('_', ' ')}; "
                                 f"{_expected(status)}")
            row = OhReleaseRow(oh_outcome_id=outcome.id, case_id=case_id, step=step, note=note,
                               created_at=self.now(), created_by=actor)
            s.add(row)
            s.flush()
            self.event(s, actor, f"oh_release.{step}", "oh_release", str(row.id), row.record())
            return _release(s, outcome)


def _expected(status: str) -> str:
    return {"not_ready": "mark it ready for the person first",
            READY: "record the person's answer",
            CHANGES: "record a revised outcome, or mark it ready again",
            AGREED: "it is already released; record a new outcome to change it"}[status]
