"""The rule files' own words for their codes: record kinds, offence categories, sentence types, check levels,
duties and settings by their `title`, outcomes by their `label` in rules/framework/wording.yaml. A screen shows
these, never `conditional_caution` or `appoint_with_safeguards`; a code the rules do not name (an older stored
value) is shown with spaces for underscores."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.report.rulebase import Rules

CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")   # a vocabulary code in running text: youth_caution
GROUPS = {"adults": "Adults", "children": "Children"}     # regulated activity is "with adults" or "with children"


def spaced(code: Any) -> str:
    text = "" if code is None else str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def _titles(entries: Mapping[str, Any]) -> dict[str, str]:
    return {code: entry.title for code, entry in entries.items()}


_CACHE: dict[str, dict[str, dict[str, str]]] = {}     # by rules version: the rules are loaded once per server


def vocabulary(rules: Rules) -> dict[str, dict[str, str]]:
    """Each vocabulary of the rules, code -> words."""
    if rules.version not in _CACHE:
        _CACHE[rules.version] = _vocabulary(rules)
    return _CACHE[rules.version]


def _vocabulary(rules: Rules) -> dict[str, dict[str, str]]:
    t = rules.tables
    words = {"kind": _titles(t.kinds), "category": _titles(t.categories), "sentence": _titles(t.sentence_types),
             "custody_form": _titles(t.custody_forms), "level": _titles(t.levels), "duty": _titles(t.duties),
             "setting": _titles(t.settings), "group": dict(GROUPS),
             "outcome": {code: o.label for code, o in rules.wording.outcomes.items()}}
    every: dict[str, str] = {}
    for titles in words.values():
        for code, title in titles.items():
            every.setdefault(code, title)
    return {**words, "any": every}


def label(rules: Rules, what: str, code: Any) -> str:
    """The words for `code` in the vocabulary `what` (kind, category, sentence, level, duty, setting, group,
    outcome)."""
    if code is None:
        return ""
    return vocabulary(rules)[what].get(str(code)) or spaced(code)


def chooser(rules: Rules, what: str):
    """A format_func for a select box over codes of `what`."""
    return lambda code: label(rules, what, code) if code is not None else "Not given"


def in_words(rules: Rules, text: str) -> str:
    """Running text with each vocabulary code replaced by its words, in lower case mid-sentence
    ("a youth_caution is given..." -> "a youth caution is given...")."""
    titles = vocabulary(rules)["any"]

    def one(match: re.Match[str]) -> str:
        words = titles.get(match.group(0)) or match.group(0).replace("_", " ")
        return words if words[:2].isupper() else words[:1].lower() + words[1:]
    return CODE.sub(one, text)
