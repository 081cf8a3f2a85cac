"""Plain records of what the legal layer found, with the reasons that carry each finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.case.model import Sentence
from engine.legal.spent_value import SpentOn


@dataclass(frozen=True)
class Reason:
    topic: str          # age, period, drag, regime, filter, disclosure, considered, unknown
    text: str
    rule: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class RecordFacts:
    """One record with every unknown resolved for one world (see layer.py)."""

    id: str
    kind: str
    date: date
    age: int
    youth: bool
    adult_age: int
    conviction: bool
    conditional: bool
    specified: bool
    schedule_18: bool
    summary_only: bool
    conditions_end: date | str | None   # a date, "running" (not ended on assessed_on), or None (not known)
    sentences: tuple[Sentence, ...]
    assumed: tuple[str, ...] = ()   # facts taken for this world because the case did not give them


@dataclass(frozen=True)
class Spent:
    value: SpentOn
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Held:
    """A conviction's drag-through result: its comparison date after linking, the convictions
    it is linked with, and the one whose own date it now shares."""

    value: SpentOn
    linked: tuple[str, ...] = ()
    origin: str | None = None
    not_held_by: tuple[tuple[str, str], ...] = ()   # (id, never|indefinite): open-ended, so holds nothing here


@dataclass(frozen=True)
class Protection:
    protected: bool
    rule_id: str
    reason: Reason
    protected_from: date | None = None


@dataclass(frozen=True)
class Outcome:
    """The decided results for one record in one world."""

    spent_on: SpentOn
    spent: bool
    disclosed: dict[str, bool]
    protected: bool
    considered: bool
    protected_from: date | None
    reasons: tuple[Reason, ...] = field(default=())
