"""The legal layer as one pure function: (case, tables, as-at date) -> what may be considered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from engine.case.model import Case
from engine.files.problems import InputError, Problem
from engine.legal.filtering import FilterFacts, protection, record_class
from engine.legal.records import Outcome, Reason, RecordFacts, Spent
from engine.legal.spent import spent_as_at
from engine.legal.spent_value import SpentOn
from engine.legal.tables import LegalTables
from engine.legal.worlds import Unknown, resolve, unknowns_of, world
from engine.rules.book import CompiledSet, RuleBook
from engine.rules.native import EvaluationError, run_set


class Rules(Protocol):
    """What the legal layer reads of the loaded rules (engine/report/rulebase.py Rules gives it)."""

    tables: LegalTables
    book: RuleBook


CONSIDERATION = "legal.consideration"

FIELDS = ("spent_on", "spent", "disclosed.basic", "disclosed.standard", "disclosed.enhanced",
          "protected", "considered", "protected_from")


@dataclass(frozen=True)
class Undecided:
    field: str
    needs: tuple[str, ...]
    if_favourable: object
    if_unfavourable: object


@dataclass(frozen=True)
class RecordResult:
    id: str
    kind: str
    date: date
    values: dict[str, object]           # FIELDS -> value, None where undecided
    reasons: tuple[Reason, ...]
    undecided: tuple[Undecided, ...] = ()


@dataclass(frozen=True)
class BarredStop:
    stopped: bool | None
    groups: tuple[str, ...]
    reason: str
    source: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalResult:
    on: date
    regime: str
    filtering: str
    records: tuple[RecordResult, ...]
    barred: BarredStop
    needs: tuple[str, ...]
    changes: tuple[tuple[date, str, str], ...] = field(default=())


def _flat(o: Outcome) -> dict[str, object]:
    values: dict[str, object] = {"spent_on": o.spent_on, "spent": o.spent, "protected": o.protected,
                                 "considered": o.considered, "protected_from": o.protected_from}
    values.update({f"disclosed.{k}": v for k, v in o.disclosed.items()})
    return values


def _outcome(f: RecordFacts, spent_on: SpentOn, spent_reasons: tuple[Reason, ...], case: Case,
             tables: LegalTables, consider: CompiledSet, on: date, convictions: int) -> Outcome:
    frame = tables.filtering_on(on)
    custodial = any(tables.sentence_types[s.type].custodial_for_filtering for s in f.sentences)
    prot = protection(frame, FilterFacts(f, record_class(f), custodial, convictions == 1, spent_on), on)
    spent = spent_on.spent_by(on)
    disclosed = {name: (not spent) if lvl.shows == "unspent" else not prot.protected
                 for name, lvl in tables.levels.items()}
    considered, reason = _consideration(consider, prot.protected, spent, case, tables, on, f.id)
    return Outcome(spent_on, spent, disclosed, prot.protected, considered, prot.protected_from,
                   (_age_reason(f),) + spent_reasons + (prot.reason, reason))


def _consideration(consider: CompiledSet, protected: bool, spent: bool, case: Case, tables: LegalTables,
                   on: date, subject: str) -> tuple[bool, Reason]:
    """The consideration step is a decision table in rules/legal/consideration.rules.yaml."""
    facts = {"protected": protected, "spent": spent,
             "role.exceptions_order": tables.levels[case.role.check_level].exceptions_order}
    outputs, matched = run_set(consider, facts, on, subject)
    if outputs["considered"] is None:
        raise EvaluationError(f"{consider.name}: no row covers {facts} for {subject}")
    rule = matched[0]
    return outputs["considered"], Reason("considered", rule.title, rule.id, "; ".join(rule.source))


def _age_reason(f: RecordFacts) -> Reason:
    band = f"youth (under {f.adult_age})" if f.youth else "adult"
    text = f"aged {f.age} on {f.date}: {band} periods and filtering rules apply"
    if f.assumed:
        text += f"; not given in the case, so decided only where it does not matter: {', '.join(f.assumed)}"
    return Reason("age", text)


@dataclass
class CaseMemo:
    """What the legal layer works out for one case that does not depend on the as-at date, kept while
    the case is assessed on several dates (a report assesses each of the next dates of change): the
    records as resolved in each world, and their spent days under each run of regimes in force."""

    case: Case
    resolved: dict[tuple, list[RecordFacts]] = field(default_factory=dict)
    spent: dict[tuple, dict[str, Spent]] = field(default_factory=dict)

    def records(self, tables: LegalTables, chosen: dict[tuple[str, str], object]) -> tuple[tuple, list[RecordFacts]]:
        key = tuple(sorted(chosen.items()))
        if key not in self.resolved:
            self.resolved[key] = resolve(self.case, tables, chosen)
        return key, self.resolved[key]

    def spent_as_at(self, key: tuple, records: list[RecordFacts], tables: LegalTables, on: date) -> dict[str, Spent]:
        regimes = (key, tuple(r.id for r in tables.regimes_up_to(on)))   # all spent_as_at reads of the date
        if regimes not in self.spent:
            self.spent[regimes] = spent_as_at(records, tables, on)
        return self.spent[regimes]


def evaluate(memo: CaseMemo, chosen: dict[tuple[str, str], object], rules: Rules, on: date) -> dict[str, Outcome]:
    case = memo.case
    key, records = memo.records(rules.tables, chosen)
    spent = memo.spent_as_at(key, records, rules.tables, on)
    convictions = sum(1 for f in records if f.conviction)
    consider = rules.book.get(CONSIDERATION)
    return {f.id: _outcome(f, spent[f.id].value, spent[f.id].reasons, case, rules.tables, consider, on, convictions)
            for f in records}


def barred_stop(case: Case, tables: LegalTables) -> BarredStop:
    groups = tuple(case.role.regulated_activity)
    source = tables.barred.source
    if not groups:
        return BarredStop(False, (), "the role is not regulated activity with children or adults", source)
    if case.certificate is None:
        return BarredStop(None, (), "no certificate yet: barred-list status unknown", source,
                          ("the DBS certificate (barred-list result)",))
    barred = tuple(g for g in groups if case.certificate.barred.get(g) is True)
    if barred:
        return BarredStop(True, barred, f"barred from regulated activity with {', '.join(barred)}, which this "
                          "role involves: it cannot be offered", source)
    unknown = tuple(g for g in groups if case.certificate.barred.get(g) is None)
    if unknown:
        return BarredStop(None, (), f"the certificate does not show the {', '.join(unknown)} barred list",
                          source, tuple(f"a barred-list check for {g}" for g in unknown))
    return BarredStop(False, (), "not barred from the groups this role is regulated activity with", source)


def assess_legal(case: Case, rules: Rules, on: date, memo: CaseMemo | None = None) -> LegalResult:
    """`memo` carries what does not depend on the date between assessments of the same case."""
    tables = rules.tables
    regime, frame = tables.regime_on(on), tables.filtering_on(on)
    if regime is None or frame is None:
        raise InputError([Problem(case.case_id, ("assessed_on",), f"no rehabilitation regime is in force on {on}")])
    memo = memo or CaseMemo(case)
    if memo.case is not case:
        raise ValueError(f"the memo passed for case {case.case_id} was made for {memo.case.case_id}")
    unknowns = unknowns_of(case, tables)
    best = evaluate(memo, world(unknowns, True), rules, on)
    # With nothing unknown the two worlds are one: evaluating it once halves the cost of a replay.
    worst = evaluate(memo, world(unknowns, False), rules, on) if unknowns else best
    flips = _flips(unknowns, best, worst, memo, rules, on)
    results = tuple(_merge(r.id, r.kind, r.date, best[r.id], worst[r.id], flips) for r in case.records)
    barred = barred_stop(case, tables)
    # What the case needs is what stops a record being placed: whether it may be considered. Other
    # undecided details (a protection date, a basic-certificate line) stay on the record.
    needs = tuple(sorted({n for r in results for u in r.undecided if u.field == "considered" for n in u.needs}
                         | set(barred.needs)))
    return LegalResult(on, regime.id, frame.id, results, barred, needs, _changes(results, on))


# Unknown facts that can change only their own record's results: whether an offence is specified decides
# only that record's filtering (each record is judged on its own, and the 2013-2020 single-conviction
# rule counts convictions, not specified ones), and never its spent date or anyone's drag-through.
LOCAL_UNKNOWNS = ("specified_offence",)
SPLIT_INERT_GROUPS = True   # the long way (each unknown flipped alone) when False: the tests compare the two
FLIP_BUDGET = 48            # evaluations spent finding which unknown decides what, beyond which needs are grouped


def _flips(unknowns: list[Unknown], best: dict, worst: dict, memo: CaseMemo, rules: Rules,
           on: date) -> dict[Unknown, dict[str, Outcome]]:
    if all(_flat(best[k]) == _flat(worst[k]) for k in best):
        return {}
    local = [u for u in unknowns if u.field in LOCAL_UNKNOWNS]
    flips = _flip_each([u for u in unknowns if u not in local], unknowns, best, memo, rules, on, [FLIP_BUDGET])
    if local:
        # Each of these moves only its own record, so one world with all of them flipped shows, record by
        # record, what its own flip changes: one evaluation instead of one per record.
        together = evaluate(memo, world(unknowns, True, tuple(local)), rules, on)
        flips |= {u: {rid: together[rid] if rid == u.record_id else out for rid, out in best.items()} for u in local}
    return flips


def _flip_each(group: list[Unknown], unknowns: list[Unknown], best: dict, memo: CaseMemo, rules: Rules,
               on: date, budget: list[int]) -> dict[Unknown, dict[str, Outcome]]:
    """What flipping each unknown alone gives. Every unknown moves results one way only (towards the
    applicant or against), so if flipping a whole group changes nothing, flipping any one of it changes nothing:
    the group is halved only where something changes (most unknowns, such as Schedule 18 for a short sentence,
    change nothing). Past the budget of evaluations, a group that changes something is not split further and
    each of its unknowns is named as needed wherever the group's flip changes a result: more facts asked for
    than the fewest that would do, never fewer (only cases with dozens of decisive unknowns reach it)."""
    if not group:
        return {}
    budget[0] -= 1
    out = evaluate(memo, world(unknowns, True, tuple(group)), rules, on)
    if all(_flat(out[k]) == _flat(best[k]) for k in best):
        return dict.fromkeys(group, best)
    if len(group) == 1 or budget[0] <= 0:
        return dict.fromkeys(group, out)
    if not SPLIT_INERT_GROUPS:
        return {u: evaluate(memo, world(unknowns, True, (u,)), rules, on) for u in group}
    half = len(group) // 2
    return (_flip_each(group[:half], unknowns, best, memo, rules, on, budget)
            | _flip_each(group[half:], unknowns, best, memo, rules, on, budget))


def _merge(rid: str, kind: str, day: date, best: Outcome, worst: Outcome, flips: dict) -> RecordResult:
    b, w = _flat(best), _flat(worst)
    values, undecided = {}, []
    for name in FIELDS:
        if b[name] == w[name]:
            values[name] = b[name]
            continue
        values[name] = None
        needs = tuple(u.needs for u, out in flips.items() if _flat(out[rid])[name] != b[name])
        undecided.append(Undecided(name, needs or tuple(u.needs for u in flips), b[name], w[name]))
    return RecordResult(rid, kind, day, values, best.reasons, tuple(undecided))


def _changes(results: tuple[RecordResult, ...], on: date) -> tuple[tuple[date, str, str], ...]:
    out = []
    for r in results:
        spent_on, protected_from = r.values["spent_on"], r.values["protected_from"]
        if isinstance(spent_on, SpentOn) and spent_on.day and spent_on.day > on:
            out.append((spent_on.day, r.id, "becomes spent"))
        if protected_from is not None:
            out.append((protected_from, r.id, "becomes protected (filtered)"))
    return tuple(sorted(out))
