"""Words for the codes the store keeps, so that a screen never shows `appoint_with_safeguards` or a rule id.

Outcomes are named by the rule files: each recommendation's `label` in rules/framework/wording.yaml, and the
panel's own outcomes (an outcome the rules never recommend) by their `label` in rules/policy/decisions.yaml.
Rules are named by their titles. The few words that are the app's own (a case's status in the queue, the
kinds of access-log row, replay's verdicts) are here, each with what it means. Raw codes stay in the
downloads and the command line's --json.
"""

from __future__ import annotations

from typing import Any

from engine.report.rulebase import Rules
from engine.store.decision_policy import load_decision_policy

STATUSES = {"new": "Not yet evaluated", "evaluated": "Awaiting decision", "decided": "Decided"}
DATA_KINDS = {"criminal_record": "Criminal record", "health": "Health", "sign_in": "Sign-in",
              "refused": "Refused request"}
# Replay's verdict for an evaluation: (the words, what they mean for the auditor).
REPLAY = {
    "reproduced": ("Reproduced exactly",
                   "rebuilt from the stored case under the rules then in force, the report is the same, byte for byte"),
    "defect": ("Not reproduced",
               "rebuilt under the rules then in force, the report differs from the stored one: look into it"),
    "skipped": ("Not replayed",
                "the case or the report was removed under the retention policy, so there is nothing to rebuild"),
    "unchanged": ("Unchanged under today's rules", "today's rules give the same report"),
    "changed": ("Changed under today's rules", "today's rules give a different report; the parts that differ "
                                               "are listed below"),
    "error": ("Could not be assessed under today's rules", "today's rules refuse the case; the reason is listed"),
}


def outcome_words(rules: Rules) -> dict[str, str]:
    """Every outcome a recommendation or a decision can hold, in the words of the rule files."""
    out = {word: o.label for word, o in rules.wording.outcomes.items()}
    for word, o in load_decision_policy().outcomes.items():
        out.setdefault(word, o.label or word.replace("_", " ").capitalize())
    return out


def rule_titles(rules: Rules) -> dict[str, str]:
    """Each rule's title by its id (ids are unique across the rule sets), and each rule set's by its name."""
    return {r.id: r.title for s in rules.book.sets for r in s.rules} | {s.name: s.title for s in rules.book.sets}


def named(code: Any, names: dict[str, str]) -> str:
    """A code in words: its name if the rules give one, else the code with spaces (an older stored value)."""
    if code is None or code == "":
        return ""
    text = str(code)
    return names.get(text, text.replace("_", " "))


def chart_names(rules: Rules) -> dict[str, str]:
    """The words the audit report's charts use for outcome codes and rule ids."""
    return rule_titles(rules) | outcome_words(rules)
