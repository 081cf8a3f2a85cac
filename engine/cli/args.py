"""Argument types shared by the command-line modules."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text!r}") from exc
