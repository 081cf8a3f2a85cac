"""The panel's decision policy (rules/policy/decisions.yaml): the outcomes a panel may record, the panel's
roles and seats, the guards a decision must pass, and the OH outcome rules.

The guards are data: each names the outcomes it refuses and the conditions (over a few facts about the
evaluation and the decision) under which it refuses them, with the plain words a refusal shows. Loading
checks that every outcome, role, fact and value named is known, and names the file, field and line if not.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path as FsPath
from string import Template

from pydantic import BaseModel, ConfigDict, Field

from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import line_of, parse
from engine.rules.directory import default_rules_dir
from engine.rules.model import InForce

POLICY_FILE = "policy/decisions.yaml"
# The facts a guard may test, and their values (worked out in engine/store/panel.py).
FACTS: dict[str, tuple[str, ...] | None] = {
    "recommendation": None,          # any outcome word
    "barred_stop": ("yes", "no", "unknown"),
    "applicant_discussion": ("recorded", "missing"),
    "panel": ("complete", "incomplete"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomePolicy(_Strict):
    favourable: bool
    withdraws_offer: bool
    label: str | None = None    # the words for an outcome the rules never recommend (wording.yaml names the rest)


class Panel(_Strict):
    id: str
    title: str
    roles: dict[str, str] = Field(min_length=1)
    required: list[list[str]]
    in_force: InForce
    source: str


class Guard(_Strict):
    id: str
    title: str
    outcomes: list[str] = Field(min_length=1)
    when: list[dict[str, list[str]]] = Field(min_length=1)
    says: str = Field(min_length=10)
    in_force: InForce
    source: str

    def refuses(self, outcome: str, facts: dict[str, str], on: date) -> bool:
        return (self.in_force.covers(on) and outcome in self.outcomes
                and any(all(facts.get(f) in values for f, values in cond.items()) for cond in self.when))


class ReviewRequired(_Strict):
    outcome: str
    says: str
    in_force: InForce
    source: str


class Supersede(_Strict):
    says: str
    in_force: InForce
    source: str


class OhPolicy(_Strict):
    review_date_required: list[ReviewRequired]
    supersede: Supersede


class DecisionPolicy(_Strict):
    version: int
    source: str
    outcomes: dict[str, OutcomePolicy] = Field(min_length=1)
    panels: list[Panel] = Field(min_length=1)
    guards: list[Guard]
    oh: OhPolicy

    def panel(self, on: date) -> Panel:
        found = [p for p in self.panels if p.in_force.covers(on)]
        return found[-1] if found else self.panels[-1]

    def roles(self) -> dict[str, str]:
        """Every panel role ever named, so that a stored view keeps its words."""
        return {k: v for p in self.panels for k, v in p.roles.items()}

    def refusals(self, outcome: str, facts: dict[str, str], on: date, **values: str) -> list[str]:
        """The plain words of every guard that refuses the outcome, its placeholders filled."""
        return [Template(g.says).safe_substitute(values) for g in self.guards if g.refuses(outcome, facts, on)]

    def review_required(self, outcome: str, on: date) -> str | None:
        found = [r for r in self.oh.review_date_required if r.outcome == outcome and r.in_force.covers(on)]
        return found[0].says if found else None


def _problems(policy: DecisionPolicy, path: str, lines: dict) -> list[Problem]:
    """Names that must be known: outcomes, roles, facts and their values."""
    out: list[Problem] = []

    def bad(where: tuple, message: str) -> None:
        out.append(Problem(path, where, message, line_of(lines, where)))

    outcomes = set(policy.outcomes)
    for i, panel in enumerate(policy.panels):
        for j, seat in enumerate(panel.required):
            for role in sorted(set(seat) - set(panel.roles)):
                bad(("panels", i, "required", j), f"unknown role {role!r}; expected one of {', '.join(panel.roles)}")
    for i, guard in enumerate(policy.guards):
        for word in sorted(set(guard.outcomes) - outcomes):
            bad(("guards", i, "outcomes"), f"unknown outcome {word!r}; expected one of {', '.join(policy.outcomes)}")
        for j, cond in enumerate(guard.when):
            for fact, values in cond.items():
                if fact not in FACTS:
                    bad(("guards", i, "when", j), f"unknown fact {fact!r}; expected one of {', '.join(FACTS)}")
                    continue
                allowed = FACTS[fact] or tuple(outcomes)
                for value in sorted(set(values) - set(allowed)):
                    bad(("guards", i, "when", j, fact), f"{fact} cannot be {value!r}; expected one of "
                                                        f"{', '.join(allowed)}")
    return out


def parse_policy(text: str, path: str) -> DecisionPolicy:
    data, lines = parse(text, path)
    policy, problems = build(DecisionPolicy, data, path, lines)
    if policy is not None:
        problems = _problems(policy, path, lines)
    if problems:
        raise InputError(problems)
    return policy


@lru_cache(maxsize=4)
def load_decision_policy(rules_dir: FsPath | None = None) -> DecisionPolicy:
    path = (rules_dir or default_rules_dir()) / POLICY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), (), f"cannot read the decision policy: {exc.strerror}")]) from exc
    return parse_policy(text, str(path))
