"""The fact catalogue machinery: what a fact is, and the catalogue the loader, lint and evaluators consult.

The rule engine knows no fact of its own. The domain layers define their facts in groups
(engine/case/facts.py, engine/legal/facts.py, engine/framework/facts.py, engine/oh/facts.py), and
engine/report/catalogue.py assembles them into one Catalogue handed to the loader, so a rule can only
name a fact that exists. Record facts are evaluated once per record; case facts once per case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TYPES = ("bool", "word", "number", "months", "date", "set")
SCOPES = ("case", "record")


@dataclass(frozen=True)
class FactSpec:
    name: str
    scope: str            # case | record
    type: str             # one of TYPES
    description: str
    derive: Callable[[Any], Any]    # from the source its domain layer hands it
    vocabulary: str | None = None   # the vocabulary its words come from (see WordsFrom)
    optional: bool = False          # may be missing (not given, or undecided by the legal layer)


@dataclass(frozen=True)
class WordsFrom:
    """Where the words of a word or set fact come from: the file named on the catalogue page, and how to
    read them from the tables handed to lint and `fairchance rules facts`."""

    file: str
    words: Callable[[Any], Iterable[str]]


@dataclass(frozen=True)
class FactGroup:
    """The facts one domain module defines, with the vocabularies their words come from."""

    owner: str                      # the defining module, for the catalogue page
    facts: tuple[FactSpec, ...]
    vocabularies: Mapping[str, WordsFrom] = field(default_factory=dict)


class Catalogue:
    """Every fact a rule may read, by name, assembled from the domain layers' groups."""

    def __init__(self, *groups: FactGroup):
        self.groups = groups
        self.facts: dict[str, FactSpec] = {}
        self.vocabularies: dict[str, WordsFrom] = {}
        for group in groups:
            for name, words in group.vocabularies.items():
                if name in self.vocabularies:
                    raise ValueError(f"vocabulary {name!r} of {group.owner} is defined twice")
                self.vocabularies[name] = words
            for spec in group.facts:
                if spec.name in self.facts:
                    raise ValueError(f"fact {spec.name!r} of {group.owner} is defined twice")
                if spec.scope not in SCOPES or spec.type not in TYPES:
                    raise ValueError(f"fact {spec.name!r} of {group.owner}: scope {spec.scope!r}, type {spec.type!r}")
                self.facts[spec.name] = spec
        for spec in self.facts.values():
            if spec.vocabulary is not None and spec.vocabulary not in self.vocabularies:
                raise ValueError(f"fact {spec.name!r} takes its words from an unknown vocabulary {spec.vocabulary!r}")
        self.case_specs = tuple(f for f in self.facts.values() if f.scope == "case")
        self.record_specs = tuple(f for f in self.facts.values() if f.scope == "record")
        self._chosen: dict[frozenset[str] | None, tuple[tuple[FactSpec, ...], tuple[FactSpec, ...]]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.facts

    def __getitem__(self, name: str) -> FactSpec:
        return self.facts[name]

    def __len__(self) -> int:
        return len(self.facts)

    def items(self):
        return self.facts.items()

    def values(self):
        return self.facts.values()

    def words(self, spec: FactSpec, tables: Any) -> list[str] | None:
        """The words a word or set fact may take, read from `tables`; None for other facts."""
        return sorted(self.vocabularies[spec.vocabulary].words(tables)) if spec.vocabulary else None

    def specs(self, names: frozenset[str] | None) -> tuple[tuple[FactSpec, ...], tuple[FactSpec, ...]]:
        """The case and record facts to derive: all, or those named (kept per `names`)."""
        if names not in self._chosen:
            self._chosen[names] = (self.case_specs, self.record_specs) if names is None else (
                tuple(f for f in self.case_specs if f.name in names),
                tuple(f for f in self.record_specs if f.name in names))
        return self._chosen[names]
