"""The legal layer's shortcuts for finding what each unknown fact decides (engine/legal/layer.py): whether an
offence is specified changes only its own record, so those are flipped together (LOCAL_UNKNOWNS); a group of other
unknowns that changes nothing when flipped together is not split (SPLIT_INERT_GROUPS). This holds both to the long
way, flipping each unknown alone: the same results, reasons and needs."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from strategies import case_data, validate

import engine.legal.layer as layer
from engine.report.rulebase import load_rules

RULES = load_rules()


@settings(max_examples=300, deadline=None)
@given(case_data(min_records=1, max_records=8))
def test_the_shortcuts_give_what_flipping_each_unknown_alone_gives(data):
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    fast = layer.assess_legal(case, RULES, case.assessed_on)
    saved = layer.LOCAL_UNKNOWNS, layer.SPLIT_INERT_GROUPS
    layer.LOCAL_UNKNOWNS, layer.SPLIT_INERT_GROUPS = (), False
    try:
        slow = layer.assess_legal(case, RULES, case.assessed_on)
    finally:
        layer.LOCAL_UNKNOWNS, layer.SPLIT_INERT_GROUPS = saved
    assert fast == slow
