"""The case timeline: offences, convictions and cautions, sentences, the days records became or become spent and
protected (past and future), illness episodes (dates only) and the assessment date, as an Altair chart.

Every kind of event has one colour and one symbol on every case (the scales' domain and range are fixed here, not
taken from the case's data), and bars (sentences, illness) are in the same legend as points. The colours are the
Okabe-Ito palette, told apart by people with colour-vision deficiency, and each kind also has its own shape."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from engine.case.dates import add_length
from engine.report.rulebase import Rules
from panel_ui.labels import label

EPISODES_LANE = "Illness episodes (dates only)"
LEGEND_PX = 90     # the legend under the chart: a title and two rows of four kinds
LABEL_PX = 320     # lane labels (record and offence) are read whole, not cut to "R1 Theft from a s..."
BAR = "M-1,-0.4H1V0.4H-1Z"            # a legend symbol drawn as a bar, for the kinds drawn as bars
LINE = "M-0.15,-1H0.15V1H-0.15Z"      # a thin upright bar, for the assessment date's line
OFFENCE, CONVICTION, CAUTION = "Offence", "Conviction", "Caution, reprimand or warning"
SPENT, PROTECTED = "Spent", "Protected (filtered)"
SENTENCE, ILLNESS, ASSESSED = "Sentence or order", "Illness episode (dates only)", "Assessment date"
# Kind of event -> (colour, symbol). Fixed for every case: a conviction is always a vermilion diamond.
EVENTS = {
    OFFENCE: ("#E69F00", "triangle-up"), CONVICTION: ("#D55E00", "diamond"), CAUTION: ("#CC79A7", "triangle-down"),
    SPENT: ("#009E73", "circle"), PROTECTED: ("#0072B2", "square"), SENTENCE: ("#56B4E9", BAR),
    ILLNESS: ("#7F7F7F", BAR), ASSESSED: ("#000000", LINE),
}
# UK order on the axis: a year tick reads 2004, a month tick Sep 2004, a day tick 14 Sep 2004 (never Sep 14).
AXIS_DAY = ("timeFormat(datum.value, '%d %m') == '01 01' ? timeFormat(datum.value, '%Y') : "
            "timeFormat(datum.value, '%d') == '01' ? timeFormat(datum.value, '%b %Y') : "
            "timeFormat(datum.value, '%-d %b %Y')")
TIP_DAY = "%-d %B %Y"       # and in full in the tooltips: 14 September 2000
# The filtering reason names the day a record became protected (engine/legal/filtering.py: "protected from
# <date>"); the report's protected_from is only a day still to come, so a past one is read from the reason.
PROTECTED_FROM = re.compile(r"protected from (\d{4}-\d{2}-\d{2})(?! \(not yet\))")


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None     # never, indefinite, when_paid: no point on the axis


def _row(lane: str, what: str, start: date | None, end: date | None = None, detail: str = "") -> dict[str, Any]:
    # The days a record became spent or protected sit just below its own events, so that a caution spent on the
    # day it is given shows both marks, not one over the other.
    return {"lane": lane, "what": what, "start": start, "end": end, "detail": detail or what,
            "level": "status" if what in (SPENT, PROTECTED) else "event"}


def _sentence_rows(lane: str, record: dict[str, Any], rules: Rules) -> list[dict[str, Any]]:
    rows, end = [], None
    for s in record.get("sentences") or []:
        length = s.get("length")
        start = end if s.get("consecutive") and end else _day(s.get("start") or record["date"])
        if isinstance(length, dict) and start:
            unit, amount = next(iter(length.items()))
            end = add_length(start, int(amount), unit)
            rows.append(_row(lane, SENTENCE, start, end, f"{label(rules, 'sentence', s['type'])}, {amount} {unit}"))
    return rows


def protected_day(result: dict[str, Any]) -> date | None:
    """The day a record became protected (past) or becomes protected (to come), where the engine says it."""
    if result.get("protected_from"):
        return _day(result["protected_from"])
    if result.get("protected"):
        said = [m.group(1) for r in result.get("reasons", []) if r["topic"] == "filter"
                for m in PROTECTED_FROM.finditer(r["text"])]
        return _day(said[0]) if said else None
    return None


def _record_rows(item: dict[str, Any], rules: Rules) -> list[dict[str, Any]]:
    record, result = item["case"], item["result"] or {}
    lane = f"{record['id']} {record.get('offence') or label(rules, 'kind', record['kind'])}"
    kind = rules.tables.kinds.get(record["kind"])
    rows = [_row(lane, CONVICTION if kind is None or kind.conviction else CAUTION, _day(record["date"]),
                 detail=label(rules, "kind", record["kind"]))]
    if record.get("offence_date"):
        rows.append(_row(lane, OFFENCE, _day(record["offence_date"])))
    rows += _sentence_rows(lane, record, rules)
    for what, day in ((SPENT, _day(result.get("spent_on"))), (PROTECTED, protected_day(result))):
        if day:
            rows.append(_row(lane, what, day))
    return rows


def timeline_rows(review: dict[str, Any], rules: Rules) -> pd.DataFrame:
    rows = [row for item in review["records"] for row in _record_rows(item, rules)]
    assessed = _day(review["assessed_on"])
    rows += [_row(EPISODES_LANE, ILLNESS, _day(e["start"]), _day(e["end"]) or assessed, f"Episode {e['id']}")
             for e in review["episodes"]]
    frame = pd.DataFrame(rows, columns=["lane", "what", "start", "end", "detail", "level"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


def _scales() -> tuple[alt.Color, alt.Shape]:
    kinds = list(EVENTS)
    legend = alt.Legend(title="Events", orient="bottom", columns=4, symbolSize=160, labelLimit=260)
    color = alt.Color("what:N", scale=alt.Scale(domain=kinds, range=[c for c, _ in EVENTS.values()]), legend=legend)
    shape = alt.Shape("what:N", scale=alt.Scale(domain=kinds, range=[s for _, s in EVENTS.values()]), legend=legend)
    return color, shape


def timeline_chart(review: dict[str, Any], rules: Rules) -> alt.LayerChart:
    frame = timeline_rows(review, rules)
    lanes = list(dict.fromkeys(frame["lane"]))
    color, shape = _scales()
    x = alt.X("start:T", title=None, axis=alt.Axis(labelExpr=AXIS_DAY, labelOverlap="greedy", labelFlush=False))
    y = alt.Y("lane:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=LABEL_PX, domain=False, ticks=False),
              scale=alt.Scale(paddingInner=0.25))
    offset = alt.YOffset("level:N", scale=alt.Scale(domain=["event", "status"]))
    tip = [alt.Tooltip("lane:N", title="Record"), alt.Tooltip("detail:N", title="What")]
    span_tip = [*tip, alt.Tooltip("start:T", title="From", format=TIP_DAY), alt.Tooltip("end:T", title="To",
                                                                                        format=TIP_DAY)]
    spans = alt.Chart(frame[frame["end"].notna()]).mark_bar(opacity=0.6, height=8, aria=False).encode(
        x=x, x2="end:T", y=y, yOffset=offset, color=color, tooltip=span_tip)
    points = alt.Chart(frame[frame["end"].isna()]).mark_point(filled=True, size=80, opacity=1, aria=False).encode(
        x=x, y=y, yOffset=offset, color=color, shape=shape,
        tooltip=[*tip, alt.Tooltip("start:T", title="Date", format=TIP_DAY)])
    assessed = pd.DataFrame({"start": [pd.to_datetime(review["assessed_on"])], "what": [ASSESSED]})
    rule = alt.Chart(assessed).mark_rule(strokeDash=[6, 3], strokeWidth=2, aria=False).encode(
        x="start:T", color=color, tooltip=[alt.Tooltip("start:T", title=ASSESSED, format=TIP_DAY)])
    return alt.layer(spans, points, rule).properties(
        height=32 * max(len(lanes), 3) + 40 + LEGEND_PX,    # Streamlit fits the legend in the height too
        description="Timeline of the records that may be considered: each record's date, sentences and the days it "
                    "became or becomes spent or protected, with illness episodes (dates only) and the assessment "
                    "date; the records table below has the same dates.")
