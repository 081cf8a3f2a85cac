"""Drag-through (ROA 1974 s.6(4)): a conviction received while another is unspent holds both.

Links are found to a fixed point, so the result never depends on the order of the records:
conviction Y (on or after X's date) is linked to X when X is still unspent on Y's date by its
comparison date (prohibition-type orders left out). Linked convictions share the later of their
comparison dates; links chain. A conviction excluded from rehabilitation has no period to
extend, so it holds no later conviction, but a later excluded one makes a linked earlier one
never spent. A record already spent on Y's date is not revived.
"""

from __future__ import annotations

from engine.legal.periods import ConvictionSpent
from engine.legal.records import Held, RecordFacts
from engine.legal.spent_value import SpentOn, latest


def _may_link(earlier: RecordFacts, later: RecordFacts, same_day_linked: bool, summary_drags: bool) -> bool:
    if later.date < earlier.date or (later.date == earlier.date and not same_day_linked):
        return False
    return summary_drags or not later.summary_only


def drag_through(convictions: list[tuple[RecordFacts, ConvictionSpent]], same_day_linked: bool,
                 summary_drags: bool) -> dict[str, Held]:
    value = {f.id: c.compare for f, c in convictions}
    excluded = {f.id for f, c in convictions if c.excluded}
    pairs = [(x, y) for x, _ in convictions for y, _ in convictions
             if x.id != y.id and x.id not in excluded and _may_link(x, y, same_day_linked, summary_drags)]
    changed = True
    while changed:
        changed = False
        for x, y in pairs:
            if value[x.id].unspent_on(y.date):
                top = latest(value[x.id], value[y.id])
                changed |= value[x.id] != top or value[y.id] != top
                value[x.id] = value[y.id] = top
    return _explain(convictions, value, pairs)


def _explain(convictions: list[tuple[RecordFacts, ConvictionSpent]], value: dict[str, SpentOn],
             pairs: list[tuple[RecordFacts, RecordFacts]]) -> dict[str, Held]:
    """Name the links and the record the date comes from, the same whatever the input order."""
    order = {f.id: (f.date, f.id) for f, _ in convictions}
    own = {f.id: c.compare for f, c in convictions}
    linked: dict[str, set[str]] = {f.id: set() for f, _ in convictions}
    for x, y in pairs:
        if value[x.id].unspent_on(y.date):
            linked[x.id].add(y.id)
            linked[y.id].add(x.id)
    held = {}
    for f, _ in convictions:
        origins = [rid for rid in linked if own[rid] == value[f.id] and value[rid] == value[f.id]]
        partners = tuple(sorted(linked[f.id], key=order.get))
        held[f.id] = Held(value[f.id], partners, min(origins, key=order.get) if origins else None)
    return held
