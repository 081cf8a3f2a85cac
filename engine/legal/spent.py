"""Spent dates for every record of a case, across the regimes up to the as-at date."""

from __future__ import annotations

from datetime import date

from engine.legal.dragthrough import drag_through
from engine.legal.periods import Term, caution_spent, conviction_spent, terms_of
from engine.legal.records import Reason, RecordFacts, Spent
from engine.legal.spent_value import SpentOn, earliest, latest
from engine.legal.tables import LegalTables, Regime


def spent_under(regime: Regime, records: list[RecordFacts], terms: dict[str, list[Term]],
                tables: LegalTables) -> dict[str, Spent]:
    """Every record's first spent day under one regime's periods, drag-through included."""
    convictions = [(f, conviction_spent(f, terms[f.id], regime)) for f in records if f.conviction]
    held = drag_through(convictions, tables.flag("same_day_convictions_linked"),
                        tables.flag("summary_only_later_conviction_drags"))
    out = {f.id: caution_spent(f, regime) for f in records if not f.conviction}
    for f, c in convictions:
        h = held[f.id]
        value = latest(c.own.value, h.value)
        reasons = c.own.reasons
        if c.own.value < value:
            text = (f"drag-through: linked with {', '.join(h.linked)} (one convicted while the other was unspent); "
                    f"all stay unspent until {value.text()}, the date of {h.origin}")
            reasons += (Reason("drag", text, regime.id, "ROA 1974 s.6(4)"),)
        elif c.compare < c.own.value:
            reasons += (Reason("drag", "orders that impose a prohibition or disqualification keep this record "
                               f"unspent until {c.own.value.text()} but do not hold other convictions",
                               regime.id, "ROA 1974 s.6(5)"),)
        out[f.id] = Spent(value, reasons)
    return out


def spent_as_at(records: list[RecordFacts], tables: LegalTables, on: date) -> dict[str, Spent]:
    """Apply each regime in turn; a record spent before a regime began stays spent if that regime says so."""
    result: dict[str, Spent] = {}
    terms = {f.id: terms_of(f, tables) for f in records if f.conviction}
    for regime in _regimes_that_matter(records, tables.regimes_up_to(on)):
        current = spent_under(regime, records, terms, tables)
        if result and regime.earlier_spent_stays_spent:
            current = {rid: _carry(result[rid], now, regime) for rid, now in current.items()}
        result = current
    return result


def _regimes_that_matter(records: list[RecordFacts], regimes: list[Regime]) -> list[Regime]:
    """The regimes from the last one that began on or before every date a spent day is counted from
    (the records' dates, sentence starts, payments, the ends of conditions). No spent day falls before
    the earliest of those, so under that regime nothing was already spent when it began: it carries
    nothing from the earlier regimes, whose results it replaces, and they need not be worked out."""
    floor = min((d for f in records for d in _anchors(f)), default=None)
    if floor is None:
        return regimes
    first = max((i for i, r in enumerate(regimes) if r.in_force.from_ <= floor), default=0)
    return regimes[first:]


def _anchors(f: RecordFacts) -> list[date]:
    days = [f.date, *(s.start for s in f.sentences if s.start), *(s.paid_on for s in f.sentences if s.paid_on)]
    return days + [f.conditions_end] if f.conditions_end else days


def _carry(before: Spent, now: Spent, regime: Regime) -> Spent:
    start = SpentOn.on(regime.in_force.from_)
    if not before.value < start or not before.value < now.value:
        return now
    value = earliest(before.value, now.value)
    note = Reason("regime", f"already spent on {before.value.text()}, before {regime.title} came into force on "
                  f"{regime.in_force.from_}: it stays spent", regime.id, regime.source)
    return Spent(value, before.reasons + (note,))
