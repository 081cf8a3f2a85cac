"""Tables as people read them: column headings in words (the data keeps its keys, so filters and tests
still use them), vocabulary words without underscores, dates as "22 November 2026" (the UK long form) and
moments in UK time to the minute (as text in grids too, since the table a grid keeps for screen readers holds
the raw value), and a sentence instead of an empty grid."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from engine.case.dates import uk_date

WORD = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")    # a vocabulary word: appoint_with_safeguards
ZONE = "Europe/London"      # the panels meet in England and Wales; the store keeps UTC
# Headings for the keys the store, the engine and the audit tables use; other keys get their words.
HEADINGS = {
    "case_id": "Case", "evaluation_id": "Evaluation", "decision_id": "Decision", "id": "Id",
    "panel_role": "Role on the panel", "recorded_at": "Recorded", "created_at": "Recorded", "at": "When",
    "decided_on": "Decided on", "review_on": "Review on", "as_at": "As at", "due": "Due (panel date)",
    "final_outcome": "Final outcome", "outcome_text": "Outcome (manager's words)", "oh_recorded": "OH outcome recorded",
    "data_kind": "Data seen", "rules_then": "Rules then", "rules_now": "Rules now", "outcome_then": "Outcome then",
    "outcome_now": "Outcome now", "outcome_changed": "Outcome changed", "paths": "Differing paths",
    "recommendation_then": "Recommendation then", "override_rate": "Override rate", "ruleset": "Rule set",
    "applicant_discussion": "Discussion with the applicant", "agrees": "Chair agreed", "days": "Days to decision",
}


def heading(key: Any) -> str:
    text = HEADINGS.get(str(key), str(key).replace("_", " "))
    return text[:1].upper() + text[1:]


def words(value: Any) -> Any:
    """A vocabulary word (`appoint_with_safeguards`) in words; other values unchanged."""
    if isinstance(value, str) and WORD.fullmatch(value):
        return value.replace("_", " ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(words(v)) for v in value)
    return value


def _column(key: str, series: pd.Series) -> Any:
    label = heading(key)
    sample = next((v for v in series if v is not None and not (isinstance(v, float) and pd.isna(v))), None)
    if isinstance(sample, bool):
        return st.column_config.CheckboxColumn(label)
    return st.column_config.Column(label)


def _cell(value: Any) -> Any:
    """A grid cell as a person reads it: dates and moments as text, because the table a grid keeps for screen
    readers holds the raw value ("2026-11-22") whatever format its canvas draws."""
    if value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return text(value.to_pydatetime() if value.tz else value.date())
    if isinstance(value, date):
        return text(value)
    return words(value)


def readable(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The frame (only `columns`, in that order, if given) with vocabulary words spelt out and dates as text."""
    shown = frame[list(columns)] if columns is not None else frame
    out = shown.copy()
    for key in out.columns:
        if out[key].dtype == object or pd.api.types.is_datetime64_any_dtype(out[key]):
            out[key] = out[key].astype(object).map(_cell)
    return out


ROW_PX = 35         # a grid row's height in pixels (Streamlit's default), for a grid that shows all its rows


def grid(rows: pd.DataFrame | list[Mapping[str, Any]], columns: Iterable[str] | None = None, *,
         empty: str = "Nothing yet.", key: str | None = None, wide: Iterable[str] = (), whole: bool = False) -> None:
    """An interactive table with human headings and formats, or the `empty` sentence; `whole`: tall enough
    for every row (a page of a longer list), not a scrolling window of ten."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        st.info(empty)
        return
    frame = readable(frame, columns)
    config = {str(k): _column(str(k), frame[k]) for k in frame.columns}
    for k in wide:
        config[k] = st.column_config.TextColumn(heading(k), width="large")
    height = ROW_PX * (len(frame) + 1) + 3 if whole else "auto"
    st.dataframe(frame, hide_index=True, column_config=config, key=key, height=height)


def table(rows: list[Mapping[str, Any]], columns: Mapping[str, str], *, empty: str = "Nothing yet.") -> None:
    """A static table that wraps long text (sources, rationales): `columns` maps keys to headings."""
    if not rows:
        st.info(empty)
        return
    frame = pd.DataFrame([{label: text(row.get(k)) for k, label in columns.items()} for row in rows])
    st.table(frame.set_index(frame.columns[0]))


def text(value: Any) -> str:
    """One value as a person writes it."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return str(words(value))


def day(value: date | str | None) -> str:
    if value is None:
        return ""
    parsed = _iso_day(value)
    return uk_date(parsed) if parsed else str(value)


def _iso_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None     # never, indefinite, when paid: words, not dates


def as_date(value: Any) -> date | None:
    """A case file's date (text or date) as a date, so that a table sorts and formats it."""
    return _iso_day(value) if value is not None else None


def moment(value: datetime) -> str:
    local = pd.Timestamp(value).tz_convert(ZONE) if value.tzinfo else pd.Timestamp(value)
    return f"{uk_date(local.date())}, {local:%H:%M}"
