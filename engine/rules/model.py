"""The schema of a rule-set file (`*.rules.yaml` under rules/): decision tables and rules."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FactType = Literal["bool", "word", "number", "months", "date", "set"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InForce(Strict):
    """The dates an entry of a rule or table file is in force: from, and to (inclusive) unless still in force."""

    from_: date = Field(alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"in_force.to {self.to} is before in_force.from {self.from_}")
        return self

    def covers(self, on: date) -> bool:
        return self.from_ <= on and (self.to is None or on <= self.to)


class Example(Strict):
    """Given these facts (and optionally an as-at date), the rule set produces these."""

    given: dict[str, Any]
    expect: dict[str, Any]
    on: date | None = None


class Rule(Strict):
    """A table row or a rule: when every condition holds, set the outputs and record a finding."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: str = Field(min_length=3)
    when: dict[str, Any] = Field(default_factory=dict)
    then: dict[str, Any] = Field(default_factory=dict)
    finding: str | None = None
    source: list[str] = Field(min_length=1)
    in_force: InForce
    examples: list[Example] = Field(default_factory=list)


class Produced(Strict):
    type: FactType
    description: str
    values: list[str] | None = None     # the words a `word` fact may take


class Table(Strict):
    hit_policy: Literal["unique", "first", "collect"]
    inputs: list[str] = Field(min_length=1)
    outputs: list[str] = Field(min_length=1)
    rows: list[Rule] = Field(min_length=1)


class RuleSetFile(Strict):
    ruleset: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
    title: str
    description: str | None = None
    scope: Literal["case", "record"]
    stage: Literal["legal", "assessment"] = "assessment"
    applies_to: dict[str, Any] = Field(default_factory=dict)
    needs: list[str] = Field(default_factory=list)
    produces: dict[str, Produced]
    table: Table | None = None
    rules: list[Rule] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> RuleSetFile:
        if (self.table is None) == (self.rules is None):
            raise ValueError("a rule set has either a table or rules, not both and not neither")
        return self
