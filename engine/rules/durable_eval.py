"""The durable_rules evaluator: the same rule files compiled into durable_rules (Rete) rulesets.

Used with `--engine durable`; the native evaluator stays the reference, and a test proves both
give the same findings and outcomes. durable_rules is an optional extra (`pip install
fairchance[durable]`); it does not import on Python 3.13.

Its known hazards are contained here, each with a test:
- it crashes under concurrent threads: every call holds one process-wide lock;
- a fact no rule matches leaves work for a background thread: every ruleset has a catch-all rule;
- sessions pile up (at most 1024 live): each subject's state is deleted after its evaluation;
- exceptions raised in actions are stored silently in the session state: they are raised here;
- rules joining one fact's property to another's hit a memory-safety bug: the compiler refuses
  any condition whose right-hand side is not a constant.

Conditions become Rete tests on one fact per subject. Facts are encoded for it: booleans and
words as themselves, numbers and durations as floats, dates as day ordinals, sets as lists with
a size field, missing values as absent fields. Quantifiers over records (case scope) are
counted before the fact is asserted, and the in-force dates are conditions on the as-at day.
"""

from __future__ import annotations

import itertools
import threading
from datetime import date
from fractions import Fraction
from typing import Any

from engine.rules.book import CompiledRule, CompiledSet, RuleBook
from engine.rules.conditions import Check, first_failure
from engine.rules.native import Evaluation, evaluate
from engine.rules.unary import Test

try:
    from durable import lang as durable
except ImportError:  # pragma: no cover - exercised only where the extra is missing
    durable = None

LOCK = threading.Lock()
ON = "as_at__"
SUBJECT = "subject__"
_compiled: dict[str, str] = {}      # (book version, rule set) -> durable ruleset name
_fired: dict[str, list[str]] = {}   # session id -> rule ids fired
_sessions = itertools.count(1)
_names = itertools.count(1)         # durable_rules rulesets are process-wide: never reuse a name


class DurableUnavailable(RuntimeError):
    pass


class DurableCompileError(ValueError):
    pass


def _field(name: str) -> str:
    return name.replace(".", "__")


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (Fraction, int, float)):
        return float(value)
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, (frozenset, set, list, tuple)):
        return sorted(_encode(v) for v in value)
    raise DurableCompileError(f"cannot pass {value!r} to durable_rules")


def _any_of(parts: list) -> Any:
    out = parts[0]
    for part in parts[1:]:
        out = out | part
    return out


def _all_of(parts: list) -> Any:
    out = parts[0]
    for part in parts[1:]:
        out = out & part
    return out


def _ref(name: str) -> Any:
    return getattr(durable.m, _field(name))


def _interval(name: str, test: Test) -> list:
    iv, parts = test.interval, [+_ref(name)]
    if iv.low is not None:
        low = _encode(iv.low)
        parts.append(_ref(name) > low if iv.low_open else _ref(name) >= low)
    if iv.high is not None:
        high = _encode(iv.high)
        parts.append(_ref(name) < high if iv.high_open else _ref(name) <= high)
    return parts


def _set_test(name: str, test: Test) -> list:
    if test.text in ("empty", "not empty"):
        size = getattr(durable.m, _field(name) + "__size")
        return [size == 0] if test.text == "empty" else [size > 0]
    wanted = sorted(test.values)
    items = [_ref(name).anyItem(durable.item == _encode(v)) for v in wanted]
    return [_all_of(items)] if test.text.startswith("includes all") else [_any_of(items)]


def _test_parts(name: str, test: Test) -> list:
    if test.kind == "any":
        return []
    if test.kind == "missing":
        return [-_ref(name)]
    if test.kind == "present":
        return [+_ref(name)]
    if test.kind == "set":
        return [+_ref(name), *_set_test(name, test)]
    if test.interval is not None:
        return _interval(name, test)
    values = [_encode(v) for v in sorted(test.values, key=str)]
    if test.negated:
        return [+_ref(name), *(_ref(name) != v for v in values)]
    return [+_ref(name), _any_of([_ref(name) == v for v in values])]


def _condition(rule: CompiledRule) -> Any:
    parts = []
    for index, check in enumerate(rule.checks):
        parts += _test_parts(check.fact, check.test) if check.quantifier is None else _quantified(rule, index, check)
    parts.append(_ref(ON) >= rule.in_force.from_.toordinal())
    if rule.in_force.to is not None:
        parts.append(_ref(ON) <= rule.in_force.to.toordinal())
    return _all_of(parts)


def _quantified(rule: CompiledRule, index: int, check: Check) -> list:
    name = _quantifier_field(rule, index)
    if check.quantifier == "count_records":
        return _test_parts(name, check.test)
    return [_ref(name) == True]  # noqa: E712 - a durable_rules expression, not a Python comparison


def _quantifier_field(rule: CompiledRule, index: int) -> str:
    return f"q__{rule.id.replace('-', '_').lower()}__{index}"


def _compile(book: RuleBook, cset: CompiledSet) -> str:
    key = f"{book.version}/{cset.name}"
    if key in _compiled:
        return _compiled[key]
    name = f"fairchance_{next(_names)}_{cset.name.replace('.', '_')}"
    with durable.ruleset(name):
        for rule in cset.rules:
            durable.when_all(_condition(rule))(_action(rule.id))
        durable.when_all(+_ref(SUBJECT))(_action(None))   # catch-all: no fact is left unmatched
    definition = durable._rulesets[name].define()[1]
    _refuse_joins_in_ruleset(definition, cset)
    _compiled[key] = name
    return name


def _refuse_joins_in_ruleset(definition: dict, cset: CompiledSet) -> None:
    """Each rule must test one fact (alias m) against constants only: no joins between facts."""
    for rule_name, rule in definition.items():
        where = f"{cset.name} ({rule_name})"
        conditions = rule.get("all", [])
        if len(conditions) != 1 or set(conditions[0]) != {"m"}:
            raise DurableCompileError(f"{where}: a rule over more than one fact (a join) is refused: "
                                      "durable_rules is not memory-safe with joins")
        _constants_only(conditions[0]["m"], where)


def _constants_only(test: dict, where: str) -> None:
    for key, value in test.items():
        if key in ("$and", "$or"):
            for part in value:
                _constants_only(part, where)
        elif key in ("$iany", "$iall"):
            continue
        elif key.startswith("$"):
            if any(isinstance(v, dict) for v in value.values()):
                raise DurableCompileError(f"{where}: compares a field with another fact's field (a join)")
        elif isinstance(value, dict):
            raise DurableCompileError(f"{where}: compares {key!r} with another fact's field (a join)")


def _action(rule_id: str | None):
    def act(c):
        if rule_id is not None:
            _fired.setdefault(c.m[SUBJECT], []).append(rule_id)
    return act


def _fact(cset: CompiledSet, facts: dict[str, Any], records: list[dict] | None, sid: str, on: date) -> dict:
    fact: dict[str, Any] = {"sid": sid, SUBJECT: sid, ON: on.toordinal()}
    for name in cset.needs:
        value = facts.get(name)
        if value is not None:
            fact[_field(name)] = _encode(value)
            if isinstance(value, (frozenset, set)):
                fact[_field(name) + "__size"] = len(value)
    for rule in cset.rules:
        for index, check in enumerate(rule.checks):
            if check.quantifier is not None:
                fact[_quantifier_field(rule, index)] = _quantifier_value(check, facts, records)
    return fact


def _quantifier_value(check: Check, facts: dict[str, Any], records: list[dict] | None) -> Any:
    matching = sum(1 for r in records or [] if first_failure(check.over, {**facts, **r}) is None)
    total = len(records or [])
    return {"count_records": float(matching), "any_record": matching > 0,
            "all_records": matching == total, "no_record": matching == 0}[check.quantifier]


def durable_matches(book: RuleBook):
    """A matcher for engine.rules.native.run_set that asks durable_rules which rules hold."""
    if durable is None:
        raise DurableUnavailable("the durable_rules evaluator needs the optional extra: "
                                 "pip install 'fairchance[durable]' (durable_rules does not import on Python 3.13)")

    def matches(cset: CompiledSet, facts: dict[str, Any], records: list[dict] | None, subject: str, on: date,
                trace: list[dict[str, Any]] | None) -> list[CompiledRule]:
        with LOCK:
            name = _compile(book, cset)
            sid = f"s{next(_sessions)}"
            try:
                state = durable.assert_fact(name, _fact(cset, facts, records, sid, on))
                if isinstance(state, dict) and state.get("exception"):
                    raise RuntimeError(f"durable_rules action failed in {cset.name}: {state['exception']}")
                fired = set(_fired.pop(sid, []))
            finally:
                _fired.pop(sid, None)
                durable.delete_state(name, sid)
        return [rule for rule in cset.rules if rule.id in fired]

    return matches


def evaluate_durable(book: RuleBook, case_facts: dict[str, Any], record_facts: dict[str, dict[str, Any]],
                     on: date, wanted: frozenset[str] | None = None) -> Evaluation:
    return evaluate(book, case_facts, record_facts, on, with_trace=False, matcher=durable_matches(book),
                    wanted=wanted)
