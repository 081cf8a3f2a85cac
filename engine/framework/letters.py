"""Letters to the applicant: a holding letter before the panel decides, and the letter for the decision the
panel recorded, as text, HTML and PDF.

The words are policy (rules/policy/letters.yaml), the employer's details too (rules/policy/employer.yaml).
A letter is dated, in UK dates, addressed by name where the case gives one, and says only what the
situation needs: never a rule id, an offence or anything clinical. The sentence about what the law allows
to be considered is in every letter, so it never tells the reader that something was set aside.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path as FsPath
from string import Template
from typing import Any

from fpdf import FPDF
from pydantic import BaseModel, ConfigDict, Field

from engine.case.dates import add_months, uk_date
from engine.case.model import Case
from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import parse
from engine.rules.directory import default_rules_dir
from engine.rules.model import InForce

LETTERS_FILE = "policy/letters.yaml"
EMPLOYER_FILE = "policy/employer.yaml"
SITUATIONS = ("no_records", "no_certificate", "more_information", "appointed", "appointed_with_safeguards",
              "appointed_with_safeguards_to_agree", "discussion_invited", "not_appointed_after_discussion", "barred")
HOLDING = ("certificate_awaited", "panel_to_meet")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Holding(_Strict):
    certificate_awaited: str
    panel_to_meet: str


class LetterWords(_Strict):
    version: int
    source: str
    in_force: InForce
    review_after_months: int = Field(ge=1)
    greeting_named: str
    greeting_unnamed: str
    reference: str
    subject: str
    law: str
    closing: str
    sign_off: list[str]
    holding: Holding
    situations: dict[str, list[str]]


class Employer(_Strict):
    version: int
    name: str
    team: str
    address: list[str]
    phone: str
    email: str
    source: str
    in_force: InForce


def _load(model: type[BaseModel], rel: str, rules_dir: FsPath | None) -> Any:
    path = (rules_dir or default_rules_dir()) / rel
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), (), f"cannot read the file: {exc.strerror}")]) from exc
    data, lines = parse(text, str(path))
    loaded, problems = build(model, data, str(path), lines)
    if loaded is None:
        raise InputError(problems)
    return loaded


@lru_cache(maxsize=4)
def load_letter_words(rules_dir: FsPath | None = None) -> LetterWords:
    words = _load(LetterWords, LETTERS_FILE, rules_dir)
    missing = sorted(set(SITUATIONS) - set(words.situations))
    if missing:
        path = str((rules_dir or default_rules_dir()) / LETTERS_FILE)
        raise InputError([Problem(path, ("situations",), f"no words for {', '.join(missing)}")])
    return words


@lru_cache(maxsize=4)
def load_employer(rules_dir: FsPath | None = None) -> Employer:
    return _load(Employer, EMPLOYER_FILE, rules_dir)


@dataclass(frozen=True)
class Letter:
    kind: str                       # "holding" or "decision"
    situation: str
    dated: date
    employer: tuple[str, ...]       # the employer's name and address lines
    contact: str
    reference: str
    greeting: str
    subject: str
    paragraphs: tuple[str, ...]
    sign_off: tuple[str, ...]


def situation_for(outcome: str, case: Case, safeguards: list[str]) -> str:
    """Which letter a recorded outcome needs (old stored outcomes included)."""
    if outcome == "appoint":
        return "appointed" if case.records else "no_records"
    if outcome == "appoint_with_safeguards":
        return "appointed_with_safeguards" if safeguards else "appointed_with_safeguards_to_agree"
    if outcome == "needs_information":
        return "no_certificate" if case.certificate is None else "more_information"
    named = {"refer_to_panel": "discussion_invited", "cannot_appoint": "barred",
             "not_appointed_after_discussion": "not_appointed_after_discussion"}
    if outcome not in named:
        raise ValueError(f"final_outcome: no letter for the outcome {outcome!r}")
    return named[outcome]


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def _fill(text: str, values: dict[str, str]) -> str:
    return Template(text).substitute(values)


def _values(case: Case, words: LetterWords, employer: Employer) -> dict[str, str]:
    return {"name": (case.applicant.name or "").strip(), "role": case.role.title or "the role",
            "ref": case.applicant.ref or case.case_id, "team": employer.team, "employer": employer.name,
            "phone": employer.phone, "email": employer.email}


def _letter(kind: str, situation: str, dated: date, body: list[str], case: Case, words: LetterWords,
            employer: Employer, values: dict[str, str]) -> Letter:
    greeting = words.greeting_named if values["name"] else words.greeting_unnamed
    return Letter(kind=kind, situation=situation, dated=dated, employer=(employer.name, *employer.address),
                  contact=f"{employer.phone} | {employer.email}", reference=_fill(words.reference, values),
                  greeting=_fill(greeting, values), subject=_fill(words.subject, values),
                  paragraphs=tuple([_fill(p, values) for p in body] + [words.law, _fill(words.closing, values)]),
                  sign_off=tuple(_fill(s, values) for s in words.sign_off))


def holding_letter(case: Case, dated: date, words: LetterWords, employer: Employer) -> Letter:
    """Before the decision: only what happens next."""
    situation = "certificate_awaited" if case.certificate is None else "panel_to_meet"
    values = _values(case, words, employer)
    return _letter("holding", situation, dated, [getattr(words.holding, situation)], case, words, employer, values)


def decision_letter(case: Case, outcome: str, decided_on: date, recommendation: dict[str, Any],
                    safeguard_words: dict[str, str], words: LetterWords, employer: Employer) -> Letter:
    """The letter for the decision the panel recorded, dated the day it was decided.

    `recommendation` is the report's recommendation: its safeguards and review date are the ones the panel
    agreed to when it decided to appoint with safeguards."""
    safeguards = list(recommendation.get("safeguards") or []) if outcome == "appoint_with_safeguards" else []
    situation = situation_for(outcome, case, safeguards)
    review = recommendation.get("review_on") if safeguards else None
    values = {**_values(case, words, employer),
              "review_on": uk_date(review) if review else uk_date(add_months(decided_on, words.review_after_months)),
              "safeguards": _list([safeguard_words[s] for s in safeguards]) if safeguards else ""}
    return _letter("decision", situation, decided_on, list(words.situations[situation]), case, words, employer,
                   values)


def letter_text(letter: Letter) -> str:
    head = [*letter.employer, letter.contact, "", uk_date(letter.dated), letter.reference, "", letter.greeting, "",
            letter.subject, ""]
    return "\n".join(head) + "\n" + "\n\n".join(letter.paragraphs) + "\n\n" + "\n".join(letter.sign_off) + "\n"


def letter_html(letter: Letter) -> str:
    e = html.escape
    address = "<br>".join(e(line) for line in (*letter.employer, letter.contact))
    body = "".join(f"<p>{e(p)}</p>" for p in letter.paragraphs)
    sign = "<br>".join(e(s) for s in letter.sign_off)
    return ("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>" + e(letter.subject)
            + "</title><style>body{font-family:Arial,Helvetica,sans-serif;max-width:40em;margin:2em auto;"
            "line-height:1.5;color:#111}.from{text-align:right}.subject{font-weight:bold}</style></head><body>"
            f"<p class=\"from\">{address}</p><p class=\"date\">{e(uk_date(letter.dated))}<br>{e(letter.reference)}</p>"
            f"<p>{e(letter.greeting)}</p><p class=\"subject\">{e(letter.subject)}</p>{body}<p>{sign}</p>"
            "</body></html>")


def _latin(text: str) -> str:
    """The PDF's core font covers Latin-1; typographic quotes and dashes are written plainly."""
    plain = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                          "\u2013": "-", "\u2014": "-"}))
    return plain.encode("latin-1", "replace").decode("latin-1")


def letter_pdf(letter: Letter) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin(letter.subject))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in (*letter.employer, letter.contact):
        pdf.cell(0, 5, _latin(line), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=11)
    for line in (uk_date(letter.dated), letter.reference, "", letter.greeting):
        pdf.cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.multi_cell(0, 6, _latin(letter.subject), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for paragraph in letter.paragraphs:
        pdf.ln(3)
        pdf.multi_cell(0, 6, _latin(paragraph), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for line in letter.sign_off:
        pdf.cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
