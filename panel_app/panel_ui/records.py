"""The case review's rows in the rules' words: a record's kind, offence category and spent day, the dates of
change with the recommendation then, and the rules an evaluation ran under, by date (the hash is for audit).

Dates go into the grids as text ("9 September 2002"), not as dates: a grid draws a formatted date on its canvas,
but the table it keeps for screen readers holds the raw value, which would read 2002-09-09."""

from __future__ import annotations

from typing import Any

from engine.report.rulebase import Rules
from panel_ui.labels import label
from panel_ui.tables import day
from panel_ui.wording import dates_in_words

DECLARED = {True: "yes", False: "no", None: "not recorded"}
# A spent day that is not a date (engine/legal/spent_value.py SpentOn.text).
SPENT_WORDS = {"never": "never", "indefinite": "not while the order stands", "when_paid": "when paid in full"}


def spent_words(value: Any) -> str:
    if value is None:
        return "undecided"
    text = str(value)
    return SPENT_WORDS.get(text) or (dates_in_words(text) if text.startswith("by ") else day(text))


def record_row(item: dict[str, Any], rules: Rules) -> dict[str, Any]:
    record, result = item["case"], item["result"] or {}
    category = label(rules, "category", record.get("offence_category"))
    return {"record": record["id"], "kind": label(rules, "kind", record["kind"]), "date": day(record["date"]),
            "offence": record.get("offence") or category, "category": category,
            "spent on": spent_words(result.get("spent_on")) if result else "not assessed",
            "badges": ", ".join(b["badge"] for b in item["badges"]),
            "declared": DECLARED.get(record.get("self_disclosed"), "not recorded")}


def record_rows(items: list[dict[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    return [record_row(item, rules) for item in items]


def change_rows(changes: list[dict[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    return [{**c, "date": day(c["date"]), "recommendation_then": label(rules, "outcome", c["recommendation_then"])}
            for c in changes]


def rules_line(evaluation: dict[str, Any] | None) -> str:
    """The rules an evaluation ran under, by the day it ran: the rules in force that day (the version's hash is
    in the expander for audit)."""
    return f"rules as at {day(evaluation['created_at'])}" if evaluation else ""
