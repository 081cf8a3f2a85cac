"""Page controls under a long table: previous, the page number, next. The page lives in the session under
the table's key, so that the fetch (which pages in the database) knows it before the table is drawn; a
filter that changes calls `first_page` so that the reader is not left on a page past the end."""

from __future__ import annotations

import streamlit as st


def current(key: str) -> int:
    return max(1, int(st.session_state.get(key) or 1))


def first_page(key: str) -> None:
    """For a filter's on_change: a new filter starts at page 1."""
    st.session_state[key] = 1


def clamp(key: str, pages: int) -> bool:
    """Back to the last page if the rows shrank under the reader (another person decided a case); True if
    the page changed, so the caller fetches again."""
    if current(key) > pages:
        st.session_state[key] = pages
        return True
    return False


def _move(key: str, by: int) -> None:
    st.session_state[key] = current(key) + by


def controls(key: str, pages: int, what: str) -> None:
    """Previous and next buttons around the page number; nothing when everything fits on one page."""
    if pages <= 1:
        return
    page = current(key)
    st.session_state[key] = page        # a number input bound to the key needs its value set before it is drawn
    back, number, forward = st.columns([1, 1, 1], vertical_alignment="bottom")
    back.button("Previous page", key=f"{key}_back", disabled=page <= 1, on_click=_move, args=(key, -1),
                width="stretch")
    number.number_input(f"Page of {what} (1 to {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    forward.button("Next page", key=f"{key}_next", disabled=page >= pages, on_click=_move, args=(key, 1),
                   width="stretch")
