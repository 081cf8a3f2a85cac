"""Everything under rules/, loaded once: the legal tables, the rule sets compiled against the assembled fact
catalogue, the framework's wording and the OH adjustments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.files.problems import InputError
from engine.framework.wording import Wording, load_wording
from engine.legal.tables import LegalTables, load_tables
from engine.oh.adjustments import OhCatalogue, load_oh_catalogue
from engine.report.catalogue import FACTS
from engine.rules.book import RuleBook, load_rulebook


@dataclass(frozen=True)
class Rules:
    tables: LegalTables
    book: RuleBook
    wording: Wording
    oh: OhCatalogue

    @property
    def version(self) -> str:
        return self.tables.version


def load_rules(rules_dir: Path | None = None) -> Rules:
    """Both halves, with the problems of both reported together."""
    problems, tables, book = [], None, None
    try:
        tables = load_tables(rules_dir)
    except InputError as exc:
        problems += exc.problems
    try:
        book = load_rulebook(FACTS, rules_dir)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return Rules(tables, book, load_wording(book, rules_dir), load_oh_catalogue(book, rules_dir))
