"""The wording of the explanations (rules/framework/wording.yaml), loaded and checked for coverage."""

from __future__ import annotations

from pathlib import Path as FsPath

from pydantic import BaseModel, ConfigDict

from engine.rules.book import RuleBook
from engine.rules.words import load_words_file

WORDING_FILE = "framework/wording.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeWords(Strict):
    label: str          # the outcome's name for people, wherever a screen or the text report names it
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


def load_wording(book: RuleBook, rules_dir: FsPath | None = None) -> Wording:
    return load_words_file(Wording, WORDING_FILE, book, lambda w: {"recommendation": w.outcomes,
                                                                   "safeguards": w.safeguards, **w.factors},
                           "no words for", rules_dir)
