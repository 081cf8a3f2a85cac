"""The engine's machine-shaped text in words, for display only: the report keeps its own text (replay compares
it byte for byte), and these functions only reword it on the way to the screen.

- a record's reasons: "sentences[0] suspended_sentence: term of 4 months ... -> 2021-02-28" reads
  "Sentence 1, suspended sentence: term of 4 months ...; spent on 28 February 2021";
- a problem with a form's input: "String should have at least 1 character (found '')" reads "This is needed.";
- every ISO date reads "28 February 2021", and every vocabulary code its title in the rules."""

from __future__ import annotations

import re
from typing import Any

from engine.report.rulebase import Rules
from panel_ui.labels import in_words, label
from panel_ui.tables import day

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A term as the legal layer names it (engine/legal/periods.py): sentences[0] custody, joined by consecutive ones.
TERM = re.compile(r"sentences\[(\d+)\] ([a-z_]+)((?:\+\[\d+\] consecutive)*)")
CONSECUTIVE = re.compile(r"\+\[(\d+)\]")
# " -> " then the spent day (engine/legal/spent_value.py SpentOn.text): a date, "by <date> at the latest", never,
# indefinite or when_paid.
ARROW = re.compile(r" -> (by \d{4}-\d{2}-\d{2} at the latest|never|indefinite|when_paid|\d{4}-\d{2}-\d{2})")
SPENT_DAY = {"never": "never spent", "indefinite": "not spent while the order stands",
             "when_paid": "spent when paid in full"}
# The validation's words for a form field left empty or mistyped (engine/files/validation.py, pydantic).
FORM_MESSAGES = (
    ("required field is missing", "This is needed."),
    ("String should have at least 1 character", "This is needed."),
    ("Input should be a valid date", "Give the date as dd/mm/yyyy."),
    ("Input should be greater than or equal to 0", "Give 0 or more."),
    ("Input should be greater than 0", "Give a number above 0."),
    ("Input should be a valid integer", "Give a whole number."),
    ("give exactly one of days, weeks, months or years", "Give the length: a number, and days, weeks, months or "
                                                         "years."),
)


def dates_in_words(text: str) -> str:
    return ISO_DAY.sub(lambda m: day(m.group(0)), text)


def _term(rules: Rules, match: re.Match[str]) -> str:
    numbers = [int(match.group(1)) + 1] + [int(n) + 1 for n in CONSECUTIVE.findall(match.group(3))]
    what = label(rules, "sentence", match.group(2)).lower() if match.group(2) != "endorsement" else "endorsement"
    if len(numbers) == 1:
        return f"Sentence {numbers[0]}, {what}"
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"Sentences {listed}, {what}, one after another"


def _spent(match: re.Match[str]) -> str:
    said = match.group(1)
    return "; " + SPENT_DAY.get(said, f"spent {said}" if said.startswith("by ") else f"spent on {said}")


def reason_words(rules: Rules, text: str) -> str:
    """A reason of the legal layer or the framework, in words with UK dates."""
    text = TERM.sub(lambda m: _term(rules, m), text)
    text = ARROW.sub(_spent, text)
    for said, words in SPENT_DAY.items():
        text = text.replace(f"spent on {said}", words)
    text = dates_in_words(in_words(rules, text))
    return text[:1].upper() + text[1:]


def problem_words(rules: Rules, message: str) -> str:
    """A validation problem in plain words: what to do, with dates and codes as people write them."""
    for said, words in FORM_MESSAGES:
        if message.startswith(said):
            return words
    text = re.sub(r" \(found [^)]*\)$", "", message)
    text = dates_in_words(in_words(rules, text))
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def value_words(rules: Rules, value: Any) -> str:
    """A fact's value as a person reads it: an outcome by its label, a code with spaces, yes or no, a date in
    words, a list joined, a record's facts in brackets (a rule example's `given` and `expect`, never a dict)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not known"
    if isinstance(value, dict):
        return "(" + facts_words(rules, value) + ")"
    if isinstance(value, list):
        return ", ".join(value_words(rules, v) for v in value) if value else "none"
    text = str(value)
    if text in rules.wording.outcomes:
        return rules.wording.outcomes[text].label
    return dates_in_words(in_words(rules, text))


def facts_words(rules: Rules, facts: dict[str, Any]) -> str:
    """Facts named as the rules name them, in words: role.regulated_activity reads "role regulated activity"."""
    return "; ".join(f"{re.sub(r'[._]', ' ', name)}: {value_words(rules, v)}" for name, v in facts.items())
