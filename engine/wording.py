"""The wording of the explanations (rules/framework/wording.yaml), loaded and checked for coverage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from engine.legal.tables import default_rules_dir
from engine.problems import InputError, Problem
from engine.rules.book import RuleBook
from engine.validation import build
from engine.yaml_lines import parse

WORDING_FILE = "framework/wording.yaml"
M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeWords(Strict):
    panel: str
    applicant: str


class SetAside(Strict):
    """Records that may not be considered are told only as a count and a reason class, never one by one."""

    not_allowed: str
    undecided: str


class PanelWords(Strict):
    counts: str
    considered_record: str
    relevant: str
    not_relevant: str
    possible_link: str
    link_with_plan: str
    link_without_plan: str
    barred_other_group: str
    police_information: str
    check_warning: str
    pattern: str
    because: str
    safeguards: str
    restrictions: str
    code_of_practice: str
    needs: str
    no_framework: str


class ApplicantWords(Strict):
    greeting: str
    opening: str
    not_a_bar: str
    set_aside: str
    safeguards: str
    evidence: str
    closing: str
    sign_off: str


class Wording(Strict):
    version: int
    source: str
    outcomes: dict[str, OutcomeWords]
    set_aside: SetAside
    factors: dict[str, dict[str, str]]
    safeguards: dict[str, str]
    panel: PanelWords
    applicant: ApplicantWords


def load_words_file(model: type[M], rel: str, book: RuleBook, words: Callable[[M], dict[str, Any]],
                    missing: str, rules_dir: FsPath | None = None) -> M:
    """Load a file of words under rules/ and check that every value the rule sets can produce has words.

    `words` maps a produced fact's name to the entries that give its values words.
    """
    path = (rules_dir or default_rules_dir()) / rel
    data, lines = parse(path.read_text(encoding="utf-8"), str(path))
    loaded, problems = build(model, data, str(path), lines)
    if loaded is not None:
        problems = _uncovered(words(loaded), book, str(path), missing)
    if problems:
        raise InputError(problems)
    return loaded


def _uncovered(words: dict[str, Any], book: RuleBook, file: str, missing: str) -> list[Problem]:
    out = []
    for cset in book.stage("assessment"):
        for name, produced in cset.produces.items():
            if produced.values and name in words:
                absent = sorted(set(produced.values) - set(words[name]))
                if absent:
                    out.append(Problem(file, (name,), f"{missing} {', '.join(absent)} (produced by {cset.name})"))
    return out


def load_wording(book: RuleBook, rules_dir: FsPath | None = None) -> Wording:
    return load_words_file(Wording, WORDING_FILE, book, lambda w: {"recommendation": w.outcomes,
                                                                   "safeguards": w.safeguards, **w.factors},
                           "no words for", rules_dir)
