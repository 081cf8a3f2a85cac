"""Drag-through (ROA 1974 s.6(4)): a conviction received while another is unspent holds both.

Links are found to a fixed point, so the result never depends on the order of the records:
conviction Y (on or after X's date) is linked to X when X is still unspent on Y's date by its
comparison date (prohibition-type orders left out). Linked convictions share the later of their
comparison dates; links chain. A record already spent on Y's date is not revived.

Never spent and indefinite (rules/legal/parameters.yaml, as the MoJ disclosure checker does):
- `never_spent_holds_only_earlier`: a never-spent conviction makes every conviction linked with it
  that came before it (or on the same day) never spent, and holds none after it, whether its own
  sentence is excluded from rehabilitation or it became never spent by drag-through. So the dated
  links are worked out first, without the never-spent values, and never spent is then carried back.
- `indefinite_holds_none`: an indefinite conviction (an order until further order) holds no other.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.legal.periods import ConvictionSpent
from engine.legal.records import Held, RecordFacts
from engine.legal.spent_value import INDEFINITE, NEVER, SpentOn, latest


@dataclass(frozen=True)
class DragRules:
    same_day_linked: bool
    summary_drags: bool
    never_holds_only_earlier: bool
    indefinite_holds_none: bool


def _may_link(earlier: RecordFacts, later: RecordFacts, rules: DragRules) -> bool:
    if later.date < earlier.date or (later.date == earlier.date and not rules.same_day_linked):
        return False
    return rules.summary_drags or not later.summary_only


def _inert(value: SpentOn, rules: DragRules) -> bool:
    """A value that does not take part in the dated links (it is carried back afterwards, or not at all)."""
    return (value == NEVER and rules.never_holds_only_earlier) or (value == INDEFINITE and rules.indefinite_holds_none)


def drag_through(convictions: list[tuple[RecordFacts, ConvictionSpent]], rules: DragRules) -> dict[str, Held]:
    own = {f.id: c.compare for f, c in convictions}
    excluded = {f.id for f, c in convictions if c.excluded}
    ordered = sorted((f for f, _ in convictions), key=lambda f: (f.date, f.id))
    # Earlier first, so that one sweep settles most cases; the loop runs until nothing changes.
    pairs = [(x, y) for i, x in enumerate(ordered) for y in ordered[i:]
             if x.id != y.id and x.id not in excluded and _may_link(x, y, rules)]
    pairs += [(y, x) for x, y in pairs if x.date == y.date and y.id not in excluded]
    value = dict(own)
    dated = [(x, y) for x, y in pairs if not _inert(own[x.id], rules) and not _inert(own[y.id], rules)]
    _settle(dated, value, lambda x, y: True)
    if rules.never_holds_only_earlier:
        # Never spent flows back to the convictions before it (and on the same day), never forward.
        _settle(pairs, value, lambda x, y: value[y.id] == NEVER)
    return _explain(convictions, own, value, pairs, rules)


def _settle(pairs: list[tuple[RecordFacts, RecordFacts]], value: dict[str, SpentOn], applies) -> None:
    changed = True
    while changed:
        changed = False
        for x, y in pairs:
            if value[x.id].unspent_on(y.date) and applies(x, y):
                top = latest(value[x.id], value[y.id])
                if value[x.id] != top or value[y.id] != top:
                    changed = True
                    value[x.id] = value[y.id] = top


def _explain(convictions: list[tuple[RecordFacts, ConvictionSpent]], own: dict[str, SpentOn],
             value: dict[str, SpentOn], pairs: list[tuple[RecordFacts, RecordFacts]],
             rules: DragRules) -> dict[str, Held]:
    """Name the links and the record the date comes from, the same whatever the input order; and the
    open-ended convictions a record was convicted during but is not held by."""
    order = {f.id: (f.date, f.id) for f, _ in convictions}
    linked: dict[str, set[str]] = {f.id: set() for f, _ in convictions}
    passed: dict[str, set[str]] = {f.id: set() for f, _ in convictions}
    for x, y in pairs:
        if not value[x.id].unspent_on(y.date):
            continue
        if _inert(value[x.id], rules) and value[y.id] != value[x.id] and x.date < y.date:
            passed[y.id].add(x.id)
        elif _inert(own[x.id], rules) and value[y.id] != value[x.id]:
            passed[y.id].add(x.id)      # an indefinite conviction the same day holds nothing either
        else:
            linked[x.id].add(y.id)
            linked[y.id].add(x.id)
    held = {}
    for f, _ in convictions:
        origins = [rid for rid in linked if own[rid] == value[f.id] and value[rid] == value[f.id]]
        partners = tuple(sorted(linked[f.id], key=order.get))
        not_held = tuple(sorted(passed[f.id] - linked[f.id], key=order.get))
        held[f.id] = Held(value[f.id], partners, min(origins, key=order.get) if origins else None,
                          tuple((rid, value[rid].text()) for rid in not_held))
    return held
