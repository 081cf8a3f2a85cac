"""Drag-through (ROA 1974 s.6(4)): a conviction received while another is unspent holds both.

Links are found to a fixed point, so the result never depends on the order of the records:
conviction Y (on or after X's date) is linked to X when X is still unspent on Y's date by its
comparison date (prohibition-type orders left out). Linked convictions share the later of their
comparison dates; links chain. A conviction excluded from rehabilitation has no period to
extend, so it holds no later conviction, but a later excluded one makes a linked earlier one
never spent. A record already spent on Y's date is not revived.
"""

from __future__ import annotations

from engine.legal.facts import Held, RecordFacts
from engine.legal.periods import ConvictionSpent
from engine.legal.spent_value import latest


def _links(earlier: RecordFacts, later: RecordFacts, same_day_linked: bool, summary_drags: bool) -> bool:
    if later.date < earlier.date or (later.date == earlier.date and not same_day_linked):
        return False
    return summary_drags or not later.summary_only


def drag_through(convictions: list[tuple[RecordFacts, ConvictionSpent]], same_day_linked: bool,
                 summary_drags: bool) -> dict[str, Held]:
    held = {f.id: Held(c.compare) for f, c in convictions}
    excluded = {f.id for f, c in convictions if c.excluded}
    pairs = [(x, y) for x, _ in convictions for y, _ in convictions
             if x.id != y.id and x.id not in excluded and _links(x, y, same_day_linked, summary_drags)]
    changed = True
    while changed:
        changed = False
        for x, y in pairs:
            hx, hy = held[x.id], held[y.id]
            if not hx.value.unspent_on(y.date):
                continue
            top = latest(hx.value, hy.value)
            if hx.value < top:
                held[x.id] = Held(top, via=y.id, origin=hy.origin or y.id)
                changed = True
            if hy.value < top:
                held[y.id] = Held(top, via=x.id, origin=hx.origin or x.id)
                changed = True
    return held
