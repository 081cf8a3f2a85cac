"""The case timeline (issue 18): one colour and one symbol per kind of event on every case, past and future spent
and protected days, sentence and illness bars in the legend, and UK dates on the axis."""

from __future__ import annotations

import pandas as pd
from app_helpers import Seeded
from panel_ui.timeline import EVENTS, ILLNESS, PROTECTED, SENTENCE, SPENT, timeline_chart, timeline_rows

from engine.services import access


def review(seeded: Seeded, username: str, case_id: str) -> dict:
    return access.case_review(seeded.store, seeded.rules, seeded.store.get_user(username), case_id)


def scales(chart) -> dict[str, tuple[list, list]]:
    """Each encoding's scale (domain, range) over the layers, from the Vega-Lite spec."""
    found: dict[str, tuple[list, list]] = {}
    for layer in chart.to_dict()["layer"]:
        for channel in ("color", "shape"):
            scale = layer["encoding"].get(channel, {}).get("scale")
            if scale:
                assert found.setdefault(channel, (scale["domain"], scale["range"])) == (scale["domain"],
                                                                                           scale["range"])
    return found


def test_every_case_draws_each_kind_with_the_same_colour_and_symbol(seeded: Seeded):
    charts = [timeline_chart(review(seeded, "demo-auditor", c), seeded.rules) for c in ("C-DEMO-003", "C-DEMO-001")]
    first, second = (scales(c) for c in charts)
    assert first == second
    assert first["color"] == (list(EVENTS), [colour for colour, _ in EVENTS.values()])
    assert first["shape"] == (list(EVENTS), [symbol for _, symbol in EVENTS.values()])
    assert {SENTENCE, ILLNESS} <= set(first["color"][0]), "bars are in the legend too"


def test_past_and_future_spent_and_protected_days_are_drawn(seeded: Seeded):
    rows = timeline_rows(review(seeded, "demo-auditor", "C-DEMO-003"), seeded.rules)

    def days(lane: str, what: str) -> list[str]:
        chosen = rows[(rows["lane"].str.startswith(lane + " ")) & (rows["what"] == what)]
        return [d.date().isoformat() for d in chosen["start"]]

    assert days("R3", PROTECTED) == ["2007-11-13"], "protected in the past: from the filtering reason"
    assert days("R19", PROTECTED) == ["2029-04-16"], "protected in the future: the report's protected_from"
    assert days("R1", SPENT) == ["2000-09-14"]
    assert (rows[rows["what"] == ILLNESS]["end"].notna()).all()
    assert isinstance(rows["start"].iloc[0], pd.Timestamp)


def test_the_axis_reads_uk_dates(seeded: Seeded):
    spec = timeline_chart(review(seeded, "demo-member", "C-DEMO-003"), seeded.rules).to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert "%-d %b %Y" in axis["labelExpr"] and "%b %Y" in axis["labelExpr"]
    tips = [t for layer in spec["layer"] for t in layer["encoding"]["tooltip"] if t.get("type") == "temporal"]
    assert tips and all(t["format"] == "%-d %B %Y" for t in tips)
