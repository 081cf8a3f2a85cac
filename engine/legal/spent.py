"""Spent dates for every record of a case, across the regimes up to the as-at date."""

from __future__ import annotations

from datetime import date

from engine.legal.dragthrough import DragRules, drag_through
from engine.legal.periods import Term, caution_spent, conviction_spent, terms_of
from engine.legal.records import Held, Reason, RecordFacts, Spent
from engine.legal.spent_value import NEVER, SpentOn, earliest, latest
from engine.legal.tables import LegalTables, Regime

NEVER_RULE = "never_spent_holds_only_earlier"
INDEFINITE_RULE = "indefinite_holds_none"


def spent_under(regime: Regime, records: list[RecordFacts], terms: dict[str, list[Term]],
                tables: LegalTables) -> dict[str, Spent]:
    """Every record's first spent day under one regime's periods, drag-through included."""
    convictions = [(f, conviction_spent(f, terms[f.id], regime)) for f in records if f.conviction]
    held = drag_through(convictions, _drag_rules(tables, regime))
    out = {f.id: caution_spent(f, regime) for f in records if not f.conviction}
    for f, c in convictions:
        h = held[f.id]
        value = latest(c.own.value, h.value)
        reasons = c.own.reasons
        if c.own.value < value:
            reasons += (_drag_reason(h, value, tables, regime),)
        if h.not_held_by:
            reasons += (_open_reason(h, tables, regime),)
        if c.own.value < value:
            pass    # the drag-through reason above gives the date
        elif c.compare < c.own.value:
            reasons += (Reason("drag", "orders that impose a prohibition or disqualification keep this record "
                               f"unspent until {c.own.value.text()} but do not hold other convictions",
                               regime.id, "ROA 1974 s.6(5)"),)
        out[f.id] = Spent(value, reasons)
    return out


def _drag_rules(tables: LegalTables, regime: Regime) -> DragRules:
    day = regime.in_force.from_
    return DragRules(tables.flag("same_day_convictions_linked"), tables.flag("summary_only_later_conviction_drags"),
                     tables.flag_on(NEVER_RULE, day), tables.flag_on(INDEFINITE_RULE, day))


def _drag_reason(h: Held, value: SpentOn, tables: LegalTables, regime: Regime) -> Reason:
    text = (f"drag-through: linked with {', '.join(h.linked)} (one convicted while the other was unspent); "
            f"all stay unspent until {value.text()}, the date of {h.origin}")
    source = "ROA 1974 s.6(4)"
    if value == NEVER and tables.flag_on(NEVER_RULE, regime.in_force.from_):
        text += "; a never-spent conviction makes never spent every conviction linked with it before it"
        source += "; " + tables.parameters[NEVER_RULE].source
    return Reason("drag", text, regime.id, source)


def _open_reason(h: Held, tables: LegalTables, regime: Regime) -> Reason:
    """Why a never-spent or indefinite conviction did not hold this one (the MoJ checker's rule)."""
    names = ", ".join(f"{rid} ({state})" for rid, state in h.not_held_by)
    text = (f"convicted while {names} was unspent, but not held by it: a never-spent conviction makes never "
            "spent only the convictions before it, and an indefinite one (an order until further order) holds "
            "none")
    return Reason("drag", text, regime.id, tables.parameters[NEVER_RULE].source)


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
    return days + [f.conditions_end] if isinstance(f.conditions_end, date) else days


def _carry(before: Spent, now: Spent, regime: Regime) -> Spent:
    start = SpentOn.on(regime.in_force.from_)
    if not before.value < start or not before.value < now.value:
        return now
    value = earliest(before.value, now.value)
    note = Reason("regime", f"already spent on {before.value.text()}, before {regime.title} came into force on "
                  f"{regime.in_force.from_}: it stays spent", regime.id, regime.source)
    return Spent(value, before.reasons + (note,))
