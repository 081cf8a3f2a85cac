"""The wording of the explanations (rules/framework/wording.yaml), loaded and checked for coverage."""

from __future__ import annotations

from pathlib import Path as FsPath

from pydantic import BaseModel, ConfigDict

from engine.legal.tables import default_rules_dir
from engine.problems import InputError, Problem
from engine.rules.book import RuleBook
from engine.validation import build
from engine.yaml_lines import parse

WORDING_FILE = "framework/wording.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeWords(Strict):
    panel: str
    applicant: str


class SetAside(Strict):
    protected: str
    spent_not_exempt: str
    undecided: str


class PanelWords(Strict):
    counts: str
    considered_record: str
    relevant: str
    not_relevant: str
    pattern: str
    because: str
    safeguards: str
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
    path = (rules_dir or default_rules_dir()) / WORDING_FILE
    data, lines = parse(path.read_text(encoding="utf-8"), str(path))
    wording, problems = build(Wording, data, str(path), lines)
    if wording is not None:
        problems = _coverage(wording, book, str(path))
    if problems:
        raise InputError(problems)
    return wording


def _coverage(wording: Wording, book: RuleBook, file: str) -> list[Problem]:
    """Every value the framework rules can produce must have words."""
    out = []
    words = {"recommendation": wording.outcomes, "safeguards": wording.safeguards, **wording.factors}
    for cset in book.stage("assessment"):
        for name, produced in cset.produces.items():
            if produced.values is None or name not in words:
                continue
            missing = sorted(set(produced.values) - set(words[name]))
            if missing:
                out.append(Problem(file, (name,), f"no words for {', '.join(missing)} (produced by {cset.name})"))
    return out
