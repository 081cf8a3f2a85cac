"""Facts a case leaves unknown, and the two extreme worlds used to decide what does not depend on them.

Every unknown fact (is the offence specified? Schedule 18? when did the conditions end?) moves
results in one direction only: towards the applicant (favourable) or against (unfavourable).
So a result that is the same in the all-favourable and all-unfavourable worlds is decided
whatever the facts are; a result that differs is reported as undecided, with what is needed.
Nothing is defaulted either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.case.dates import age_on
from engine.case.model import Case, Record
from engine.legal.records import RecordFacts
from engine.legal.tables import LegalTables


@dataclass(frozen=True)
class Unknown:
    record_id: str
    field: str
    favourable: object
    unfavourable: object
    needs: str


def _category_value(record: Record, field: str, tables: LegalTables) -> bool | None:
    category = tables.categories.get(record.offence_category or "")
    known = getattr(category, field) if category else "varies"
    return None if known == "varies" else known


def _known(record: Record, field: str, tables: LegalTables) -> bool | None:
    given = getattr(record, field)
    return given if given is not None else _category_value(record, field.replace("_offence", ""), tables)


def unknowns_of(case: Case, tables: LegalTables) -> list[Unknown]:
    out = []
    for r in case.records:
        kind = tables.kinds[r.kind]
        if _known(r, "specified_offence", tables) is None:
            out.append(Unknown(r.id, "specified_offence", False, True,
                               f"{r.id}: whether the offence is on the DBS list of specified offences"))
        if kind.conviction and _known(r, "schedule_18", tables) is None:
            out.append(Unknown(r.id, "schedule_18", False, True,
                               f"{r.id}: whether the offence is in Sentencing Code Schedule 18"))
        if kind.conviction and r.summary_only is None and not tables.flag("summary_only_later_conviction_drags"):
            out.append(Unknown(r.id, "summary_only", True, False, f"{r.id}: whether the offence is summary-only"))
        if kind.conditional and r.conditions_end is None:
            out.append(Unknown(r.id, "conditions_end", r.date, None, f"{r.id}: the date the conditions ended"))
    return out


def resolve(case: Case, tables: LegalTables, chosen: dict[tuple[str, str], object]) -> list[RecordFacts]:
    """The case's records with each unknown fact set as `chosen` says."""
    out = []
    for r in case.records:
        kind = tables.kinds[r.kind]
        age = age_on(case.applicant.date_of_birth, r.date, tables.leap_day_birthday)

        def pick(field: str, default: object, r: Record = r) -> object:
            return chosen.get((r.id, field), default)

        out.append(RecordFacts(
            id=r.id, kind=r.kind, date=r.date, age=age, youth=age < tables.adult_age, adult_age=tables.adult_age,
            conviction=kind.conviction, conditional=kind.conditional,
            specified=bool(pick("specified_offence", _known(r, "specified_offence", tables))),
            schedule_18=bool(pick("schedule_18", _known(r, "schedule_18", tables))),
            summary_only=bool(pick("summary_only", r.summary_only)),
            conditions_end=pick("conditions_end", r.conditions_end),
            sentences=tuple(r.sentences),
            assumed=tuple(f for (rid, f) in chosen if rid == r.id),
        ))
    return out


def world(unknowns: list[Unknown], favourable: bool,
          flipped: tuple[Unknown, ...] = ()) -> dict[tuple[str, str], object]:
    chosen = {(u.record_id, u.field): (u.favourable if favourable else u.unfavourable) for u in unknowns}
    for u in flipped:
        chosen[(u.record_id, u.field)] = u.unfavourable
    return chosen
