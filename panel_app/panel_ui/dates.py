"""Date entry as people in the UK write dates: dd/mm/yyyy with the format in the label, bounded, and the date
taken said back in words beside the field, so that a date the browser could not take is never lost unseen.

Streamlit's date field shows "out of range" itself, but a part-typed date (02/04 with no year) is cleared when
the field loses focus, and a date typed out of range leaves the last good one in place: the words beside the
field say which date the form holds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from panel_ui.tables import day

ENTRY = "DD/MM/YYYY"
HINT = "dd/mm/yyyy"
# No date in a case is before this (rules/policy/input-limits.yaml, earliest_date): earlier is a typing slip.
EARLIEST = date(1900, 1, 1)
AHEAD = timedelta(days=366)     # a panel may meet up to a year ahead; nothing else is dated in the future


def today() -> date:
    return date.today()


def next_year() -> date:
    return today() + AHEAD


def date_field(label: str, key: str, *, latest: date | None = None, earliest: date = EARLIEST,
               default: date | None = None, help: str | None = None, where: Any = None, echo: bool = True,
               persist: bool = True) -> date | None:
    """A date input in dd/mm/yyyy between `earliest` and `latest` (default today), starting at `default`
    (empty when None). `echo` says the date taken under the field (not inside st.form, whose values arrive only
    when it is submitted). The value is kept for the session when `persist` (the New case form)."""
    where = where or st
    latest = latest or today()
    if key not in st.session_state:     # set once, never with value= as well: Streamlit warns about both
        st.session_state[key] = default
    value = where.date_input(f"{label} ({HINT})", key=key, format=ENTRY, min_value=earliest, max_value=latest,
                             help=help, persist_state="session" if persist else None)
    if echo:
        where.caption(f"Taken as {day(value)}." if value else "No date given yet.")
    return value
