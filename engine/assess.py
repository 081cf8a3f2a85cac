"""The engine's entry point: a pure function of (case, rules, date) returning the report."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.case_model import Case
from engine.legal.layer import assess_legal
from engine.legal.tables import LegalTables
from engine.report import build_report


def assess(case: Case, tables: LegalTables, on: date) -> dict[str, Any]:
    return build_report(case, assess_legal(case, tables, on), tables.version)
