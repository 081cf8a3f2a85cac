"""The legal tables under rules/legal/: their schema, and loading them with clear errors."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import Path as FsPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import line_of, parse_rule_file
from engine.rules.directory import default_rules_dir, rules_version
from engine.rules.model import InForce


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(Strict):
    months: int | None = Field(default=None, ge=0)
    years: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> Duration:
        if (self.months is None) == (self.years is None):
            raise ValueError("give exactly one of months or years")
        return self

    @property
    def in_months(self) -> int:
        return self.months if self.months is not None else 12 * self.years


class Band(Strict):
    up_to_months: int | None = None
    adult: Duration | None = None
    youth: Duration | None = None
    never: bool = False
    never_if_schedule_18: bool = False

    @model_validator(mode="after")
    def _shape(self) -> Band:
        if self.never == (self.adult is not None and self.youth is not None):
            raise ValueError("a band gives adult and youth periods, or never: true")
        return self


Anchor = Literal["conviction", "sentence_end", "payment", "immediate"]


class Period(Strict):
    anchor: Anchor | None = None
    adult: Duration | None = None
    youth: Duration | None = None
    bands: list[Band] | None = None
    longest_of: list[Period] | None = None
    conditions_end_if_sooner: bool = False
    source: str | None = None
    assumed: bool = False
    parameter: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Period:
        if self.longest_of is not None:
            if self.anchor or self.adult or self.bands:
                raise ValueError("longest_of stands alone")
            return self
        if self.anchor is None:
            raise ValueError("anchor is required (conviction, sentence_end, payment or immediate)")
        has_pair = self.adult is not None and self.youth is not None
        if self.anchor == "immediate" and (has_pair or self.bands):
            raise ValueError("an immediate period has no length")
        if self.anchor != "immediate" and has_pair == (self.bands is not None):
            raise ValueError("give adult and youth periods, or bands")
        return self


class Cautions(Strict):
    simple: Period
    conditional: Period


class Regime(Strict):
    id: str
    title: str
    in_force: InForce
    source: str
    earlier_spent_stays_spent: bool
    parameter: str | None = None
    no_length: Period
    cautions: Cautions
    periods: dict[str, Period]


class PeriodsFile(Strict):
    version: int
    regimes: list[Regime]


class SentenceType(Strict):
    title: str
    length: Literal["required", "optional", "none"]
    until_further_order: bool = False
    custodial_for_filtering: bool = False
    drags: bool
    max_months: int | None = None
    youth_only: bool = False
    consecutive: bool = False
    custody_forms: bool = False
    paid_on: bool = False
    endorsable: bool = False
    source: str


class CustodyForm(Strict):
    excluded: bool
    title: str
    source: str


class Endorsement(Strict):
    title: str
    drags: bool
    source: str


class SentenceTypesFile(Strict):
    version: int
    sources: dict[str, str]
    custody_forms: dict[str, CustodyForm]
    types: dict[str, SentenceType]
    endorsement: Endorsement


RecordClass = Literal["conviction", "adult_caution", "adult_conditional_caution",
                      "youth_caution", "youth_conditional_caution"]


class Condition(Strict):
    class_: list[RecordClass] | RecordClass | None = Field(default=None, alias="class")
    youth: bool | None = None
    spent: bool | None = None
    specified: bool | None = None
    custodial: bool | None = None
    only_conviction: bool | None = None


class ProtectedAfter(Strict):
    protected_after: Duration


class FilterRule(Strict):
    id: str
    title: str
    when: Condition
    then: Literal["disclosed", "protected"] | ProtectedAfter
    source: str


class FilterRegime(Strict):
    id: str
    title: str
    in_force: InForce
    source: str
    rules: list[FilterRule]


class FilteringFile(Strict):
    version: int
    regimes: list[FilterRegime]


class RecordKind(Strict):
    title: str
    conviction: bool
    conditional: bool = False
    youth_only: bool = False
    source: str


class RecordKindsFile(Strict):
    version: int
    kinds: dict[str, RecordKind]


class CheckLevel(Strict):
    title: str
    shows: Literal["unspent", "unprotected"]
    exceptions_order: bool
    police_information: bool = False
    barred_lists: bool = False      # may include barred-list checks (enhanced only: Police Act 1997 s.113BA, 113BB)
    source: str


class BarredGroup(Strict):
    title: str


class BarredLists(Strict):
    source: str
    groups: dict[str, BarredGroup]


class CheckLevelsFile(Strict):
    version: int
    levels: dict[str, CheckLevel]
    barred_lists: BarredLists


Tri = bool | Literal["varies"]
HARM_GRADES = ("low", "medium", "high")   # in order: the project's grades of typical harm


class OffenceCategory(Strict):
    title: str
    description: str
    group: str
    harm: Literal[HARM_GRADES]
    specified: Tri
    schedule_18: Tri
    source: list[str]


class OffenceGroup(Strict):
    title: str
    description: str


class CategoriesFile(Strict):
    version: int
    sources: dict[str, str]
    groups: dict[str, OffenceGroup]
    categories: dict[str, OffenceCategory]


class Parameter(Strict):
    value: int | float | bool | str
    applied_by: Literal["engine", "rehabilitation-periods.yaml"]
    in_force: InForce
    choice: str
    alternatives: list[str]
    source: str


class ParametersFile(Strict):
    version: int
    parameters: dict[str, Parameter]


class VocabEntry(Strict):
    title: str
    source: str | None = None


class NeedsFile(Strict):
    version: int
    needs: dict[str, VocabEntry]


class RoleEntry(VocabEntry):
    """A duty or setting, with what the New case form proposes for a post that has it (engine/legal/posts.py)."""

    check_level: str | None = None
    regulated_activity: list[str] = Field(default_factory=list)


class RoleVocabFile(Strict):
    version: int
    sources: dict[str, str] = Field(default_factory=dict)
    duties: dict[str, RoleEntry]
    settings: dict[str, RoleEntry]


FILES: dict[str, type[Strict]] = {
    "legal/rehabilitation-periods.yaml": PeriodsFile,
    "legal/sentence-types.yaml": SentenceTypesFile,
    "legal/filtering.yaml": FilteringFile,
    "legal/record-kinds.yaml": RecordKindsFile,
    "legal/check-levels.yaml": CheckLevelsFile,
    "legal/offence-categories.yaml": CategoriesFile,
    "legal/parameters.yaml": ParametersFile,
    "vocabularies/role.yaml": RoleVocabFile,
    "oh/needs.yaml": NeedsFile,
}


@dataclass(frozen=True)
class LegalTables:
    """Everything the legal layer reads, loaded once per rules version."""

    version: str
    regimes: tuple[Regime, ...]
    sentence_types: dict[str, SentenceType]
    custody_forms: dict[str, CustodyForm]
    endorsement: Endorsement
    filtering: tuple[FilterRegime, ...]
    kinds: dict[str, RecordKind]
    levels: dict[str, CheckLevel]
    barred: BarredLists
    categories: dict[str, OffenceCategory]
    groups: dict[str, OffenceGroup]
    parameters: dict[str, Parameter]
    duties: dict[str, RoleEntry]
    settings: dict[str, RoleEntry]
    needs: dict[str, VocabEntry]

    def regime_on(self, on: date) -> Regime | None:
        return next((r for r in self.regimes if r.in_force.covers(on)), None)

    def regimes_up_to(self, on: date) -> list[Regime]:
        return [r for r in self.regimes if r.in_force.from_ <= on]

    def filtering_on(self, on: date) -> FilterRegime | None:
        return next((r for r in self.filtering if r.in_force.covers(on)), None)

    # Read for every record of every case: worked out once (parsing a Fraction from text is slow).
    @cached_property
    def days_per_month(self) -> Fraction:
        return Fraction(str(self.parameters["band_days_per_month"].value))

    @cached_property
    def leap_day_birthday(self) -> tuple[int, int]:
        month, day = str(self.parameters["leap_day_birthday"].value).split("-")
        return int(month), int(day)

    def flag(self, name: str) -> bool:
        return bool(self.parameters[name].value)

    def flag_on(self, name: str, on: date) -> bool:
        """A yes/no parameter as in force on a date: false outside its dates."""
        parameter = self.parameters[name]
        return parameter.in_force.covers(on) and bool(parameter.value)

    @cached_property
    def adult_age(self) -> int:
        return int(self.parameters["adult_age"].value)


REQUIRED_PARAMETERS = ("adult_age", "band_days_per_month", "leap_day_birthday",
                       "summary_only_later_conviction_drags", "same_day_convictions_linked",
                       "never_spent_holds_only_earlier", "indefinite_holds_none")


def _load_file(rules_dir: FsPath, rel: str, model: type[Strict]) -> tuple[Strict | None, list[Problem], dict]:
    path = rules_dir / rel
    if not path.exists():
        return None, [Problem(str(path), (), "rule file is missing")], {}
    data, lines = parse_rule_file(path)
    loaded, problems = build(model, data, str(path), lines)
    return loaded, problems, lines


def load_tables(rules_dir: FsPath | None = None) -> LegalTables:
    """Load and cross-check the legal tables; all problems are reported together."""
    rules_dir = rules_dir or default_rules_dir()
    loaded, problems, lines = {}, [], {}
    for rel, model in FILES.items():
        loaded[rel], found, lines[rel] = _load_file(rules_dir, rel, model)
        problems += found
    if problems:
        raise InputError(problems)
    tables = LegalTables(
        version=rules_version(rules_dir),
        regimes=tuple(sorted(loaded["legal/rehabilitation-periods.yaml"].regimes, key=lambda r: r.in_force.from_)),
        sentence_types=loaded["legal/sentence-types.yaml"].types,
        custody_forms=loaded["legal/sentence-types.yaml"].custody_forms,
        endorsement=loaded["legal/sentence-types.yaml"].endorsement,
        filtering=tuple(sorted(loaded["legal/filtering.yaml"].regimes, key=lambda r: r.in_force.from_)),
        kinds=loaded["legal/record-kinds.yaml"].kinds,
        levels=loaded["legal/check-levels.yaml"].levels,
        barred=loaded["legal/check-levels.yaml"].barred_lists,
        categories=loaded["legal/offence-categories.yaml"].categories,
        groups=loaded["legal/offence-categories.yaml"].groups,
        parameters=loaded["legal/parameters.yaml"].parameters,
        duties=loaded["vocabularies/role.yaml"].duties,
        settings=loaded["vocabularies/role.yaml"].settings,
        needs=loaded["oh/needs.yaml"].needs,
    )
    problems = _cross_check(tables, rules_dir, lines)
    if problems:
        raise InputError(problems)
    return tables


def _cross_check(t: LegalTables, rules_dir: FsPath, lines: dict[str, dict]) -> list[Problem]:
    out: list[Problem] = []
    periods_file = "legal/rehabilitation-periods.yaml"
    needed = set(t.sentence_types) | {"endorsement"}
    for index, regime in enumerate(t.regimes):
        for name in sorted(needed - set(regime.periods)):
            path = ("regimes", index, "periods")
            out.append(Problem(str(rules_dir / periods_file), path,
                               f"regime {regime.id} has no period for sentence type {name!r}",
                               line_of(lines[periods_file], path)))
        for name in sorted(set(regime.periods) - needed):
            path = ("regimes", index, "periods", name)
            out.append(Problem(str(rules_dir / periods_file), path,
                               f"{name!r} is not a sentence type in sentence-types.yaml",
                               line_of(lines[periods_file], path)))
    out += _gaps("rehabilitation regimes", [r.in_force for r in t.regimes], rules_dir / periods_file)
    out += _gaps("filtering regimes", [r.in_force for r in t.filtering], rules_dir / "legal/filtering.yaml")
    categories_file = str(rules_dir / "legal/offence-categories.yaml")
    out += [Problem(categories_file, ("categories", name, "group"), f"unknown group {c.group!r}; expected one of: "
                    f"{', '.join(sorted(t.groups))}", line_of(lines["legal/offence-categories.yaml"],
                                                             ("categories", name, "group")))
            for name, c in t.categories.items() if c.group not in t.groups]
    out += _check_role_proposals(t, str(rules_dir / "vocabularies/role.yaml"), lines["vocabularies/role.yaml"])
    params_file = str(rules_dir / "legal/parameters.yaml")
    out += [Problem(params_file, ("parameters", name), "required parameter is missing")
            for name in REQUIRED_PARAMETERS if name not in t.parameters]
    named = {r.parameter for r in t.regimes} | {p.parameter for r in t.regimes for p in r.periods.values()}
    out += [Problem(str(rules_dir / periods_file), (), f"names parameter {name!r}, which parameters.yaml lacks")
            for name in sorted(named - set(t.parameters) - {None})]
    return out


def _check_role_proposals(t: LegalTables, file: str, lines: dict) -> list[Problem]:
    """The check levels and groups a duty or setting proposes exist in check-levels.yaml."""
    out = []
    for part, entries in (("duties", t.duties), ("settings", t.settings)):
        for name, entry in entries.items():
            path = (part, name)
            if entry.check_level is not None and entry.check_level not in t.levels:
                out.append(Problem(file, path + ("check_level",), f"unknown check level {entry.check_level!r}; "
                                   f"expected one of: {', '.join(t.levels)}", line_of(lines, path)))
            out += [Problem(file, path + ("regulated_activity",), f"unknown group {g!r}; expected one of: "
                            f"{', '.join(t.barred.groups)}", line_of(lines, path))
                    for g in entry.regulated_activity if g not in t.barred.groups]
    return out


def _gaps(what: str, spans: list[InForce], file: FsPath) -> list[Problem]:
    out = []
    for before, after in itertools.pairwise(spans):
        if before.to is None or (after.from_ - before.to).days != 1:
            out.append(Problem(str(file), (), f"{what} must follow each other day by day: "
                               f"one ends {before.to}, the next starts {after.from_}"))
    if spans and spans[-1].to is not None:
        out.append(Problem(str(file), (), f"the last of the {what} must have no end date"))
    return out
