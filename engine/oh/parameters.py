"""The occupational-health parameters (rules/oh/parameters.yaml): dated figures such as the permitted-work
limits, checked so that no two values are in force on one day and the rules test the figure in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path as FsPath
from typing import Literal

from pydantic import Field, model_validator

from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import parse_rule_file
from engine.legal.tables import Strict
from engine.rules.book import RuleBook
from engine.rules.directory import default_rules_dir
from engine.rules.model import InForce

PARAMETERS_FILE = "oh/parameters.yaml"
# The older spelling `applied_by: peer.rules.yaml` (kept so that rules snapshots load for replay) means these.
PEER_SET = "oh.peer"
HOURS_FACT = "oh.hours_wanted"


class ParameterValue(Strict):
    value: Decimal
    in_force: InForce
    assumed: bool
    source: str
    reasoning: str | None = None

    @model_validator(mode="after")
    def _assumed_says_why(self) -> ParameterValue:
        if self.assumed and not self.reasoning:
            raise ValueError("an assumed value needs its reasoning")
        return self


class Parameter(Strict):
    applied_by: Literal["engine", "rules", "peer.rules.yaml"]
    ruleset: str | None = None
    fact: str | None = None
    rules: list[str] = Field(default_factory=list)
    unit: str
    choice: str
    alternatives: list[str]
    values: list[ParameterValue]

    @model_validator(mode="after")
    def _rules_say_where(self) -> Parameter:
        if self.applied_by == "rules" and not (self.ruleset and self.fact and self.rules):
            raise ValueError("a parameter applied by rules names its `ruleset`, `fact` and `rules`")
        return self

    def on(self, day: date) -> ParameterValue | None:
        return next((v for v in self.values if v.in_force.covers(day)), None)

    def applied_where(self) -> tuple[str, str]:
        """The rule set and the fact whose tests carry the figure."""
        if self.applied_by == "peer.rules.yaml":
            return PEER_SET, HOURS_FACT
        return self.ruleset or "", self.fact or ""


class ParameterSet(Strict):
    permitted_work_hours_limit: Parameter
    permitted_work_earnings_cap: Parameter
    # Optional so that rules snapshots kept before they existed still load for replay.
    recent_care_months: Parameter | None = None
    long_out_of_work_months: Parameter | None = None


class OhParameters(Strict):
    version: int
    parameters: ParameterSet


def load_oh_parameters(book: RuleBook, rules_dir: FsPath | None = None) -> OhParameters:
    """The dated figures, checked: no two values in force on one day, and the rules apply the figure in force."""
    path = (rules_dir or default_rules_dir()) / PARAMETERS_FILE
    data, lines = parse_rule_file(path)
    loaded, problems = build(OhParameters, data, str(path), lines)
    if loaded is not None:
        for name, parameter in loaded.parameters:
            if parameter is None:
                continue
            found = _overlaps(name, parameter) + _misapplied(name, parameter, book)
            problems += [Problem(str(path), where, message, lines.get(where)) for where, message in found]
    if problems:
        raise InputError(problems)
    return loaded


def _overlaps(name: str, parameter: Parameter) -> list[tuple[tuple, str]]:
    spans = sorted(parameter.values, key=lambda v: v.in_force.from_)
    return [(("parameters", name, "values"), f"values in force from {a.in_force.from_} and {b.in_force.from_} "
             f"overlap: give the earlier one a `to` date before {b.in_force.from_}")
            for a, b in pairwise(spans) if a.in_force.to is None or a.in_force.to >= b.in_force.from_]


def _misapplied(name: str, parameter: Parameter, book: RuleBook) -> list[tuple[tuple, str]]:
    """Each rule named under `rules` must test the fact against the value in force on its first day."""
    if parameter.applied_by == "engine":
        return []
    ruleset, fact = parameter.applied_where()
    where = ("parameters", name, "rules")
    found = next((s for s in book.sets if s.name == ruleset), None)
    if found is None:
        return [(("parameters", name, "ruleset"), f"no rule set {ruleset!r}")]
    rules = [r for r in found.rules if r.id in parameter.rules]
    out = [(where, f"{rid} is not a rule of {ruleset}") for rid in parameter.rules
           if rid not in {r.id for r in rules}]
    for rule in rules:
        wanted = parameter.on(rule.in_force.from_)
        bounds = [b for c in rule.checks if c.fact == fact and c.test.interval
                  for b in (c.test.interval.low, c.test.interval.high) if b is not None]
        if wanted is None or bounds != [wanted.value]:
            out.append((where, f"{rule.id} ({rule.where}) tests {fact} against {bounds or 'nothing'}, but "
                        f"the value in force on {rule.in_force.from_} is {wanted.value if wanted else 'none'}"))
    return out
