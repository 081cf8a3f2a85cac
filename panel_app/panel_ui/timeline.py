"""The case timeline: offences, convictions and sentences, spent and protected dates, illness episodes
(dates only) and the assessment date, as rows for an Altair chart."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from engine.case.dates import add_length

EPISODES_LANE = "Illness episodes (dates only)"
LABEL_PX = 320     # lane labels (record and offence) are read whole, not cut to "R1 Theft from a s..."


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None     # never, indefinite, when_paid: no point on the axis


def _sentence_rows(lane: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    rows, end = [], None
    for s in record.get("sentences") or []:
        length = s.get("length")
        start = end if s.get("consecutive") and end else _day(s.get("start") or record["date"])
        if isinstance(length, dict) and start:
            unit, amount = next(iter(length.items()))
            end = add_length(start, int(amount), unit)
            rows.append({"lane": lane, "what": f"sentence: {s['type'].replace('_', ' ')}", "start": start,
                         "end": end})
    return rows


def timeline_rows(review: dict[str, Any]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for item in review["records"]:
        record, result = item["case"], item["result"] or {}
        lane = f"{record['id']} {record.get('offence') or record['kind']}"
        if record.get("offence_date"):
            rows.append({"lane": lane, "what": "offence", "start": _day(record["offence_date"]), "end": None})
        rows.append({"lane": lane, "what": record["kind"].replace("_", " "), "start": _day(record["date"]),
                     "end": None})
        rows += _sentence_rows(lane, record)
        for key, what in (("spent_on", "spent"), ("protected_from", "protected")):
            day = _day(result.get(key))
            if day:
                rows.append({"lane": lane, "what": what, "start": day, "end": None})
    assessed = _day(review["assessed_on"])
    for e in review["episodes"]:
        rows.append({"lane": EPISODES_LANE, "what": f"episode {e['id']}", "start": _day(e["start"]),
                     "end": _day(e["end"]) or assessed})
    frame = pd.DataFrame(rows, columns=["lane", "what", "start", "end"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


def timeline_chart(review: dict[str, Any]) -> alt.LayerChart:
    frame = timeline_rows(review)
    lanes = list(dict.fromkeys(frame["lane"]))
    y = alt.Y("lane:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=LABEL_PX))
    spans = alt.Chart(frame[frame["end"].notna()]).mark_bar(opacity=0.55, height=10, aria=False).encode(
        x=alt.X("start:T", title=None), x2="end:T", y=y, color=alt.Color("what:N", title="Event"),
        tooltip=["lane", "what", alt.Tooltip("start:T", title="from"), alt.Tooltip("end:T", title="to")])
    points = alt.Chart(frame[frame["end"].isna()]).mark_point(filled=True, size=70, aria=False).encode(
        x="start:T", y=y, color="what:N", shape=alt.Shape("what:N", title="Event"),
        tooltip=["lane", "what", alt.Tooltip("start:T", title="date")])
    assessed = pd.DataFrame({"start": [pd.to_datetime(review["assessed_on"])], "what": ["assessment date"]})
    rule = alt.Chart(assessed).mark_rule(strokeDash=[6, 3], color="black", aria=False).encode(
        x="start:T", tooltip=[alt.Tooltip("start:T", title="assessment date")])
    return alt.layer(spans, points, rule).properties(
        height=28 * max(len(lanes), 3) + 40,
        description="Timeline of the records that may be considered: each record's date, sentence and the days it "
                    "becomes spent or protected, with illness episodes (dates only); the records table below has "
                    "the same dates.")
