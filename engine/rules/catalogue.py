"""The fact catalogue: every fact a rule may read, its type and meaning, derived from a case.

The catalogue is code, and docs/fact-catalogue.md is generated from it
(`fairchance rules facts --markdown`), so a rule can only name a fact that exists.
Record facts are evaluated once per record; case facts once per case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.case_model import Case, LengthSpec, Record
from engine.dates import add_months, age_on, as_months, whole_months_between
from engine.legal.spent_value import SpentOn
from engine.legal.tables import HARM_GRADES, LegalTables

if TYPE_CHECKING:
    from engine.legal.layer import LegalResult, RecordResult

TYPES = ("bool", "word", "number", "months", "date", "set")


@dataclass(frozen=True)
class Source:
    """What a fact is derived from, for one record (or none, for case facts)."""

    case: Case
    legal: LegalResult
    tables: LegalTables
    record: Record | None = None
    result: RecordResult | None = None


@dataclass(frozen=True)
class FactSpec:
    name: str
    scope: str            # case | record
    type: str             # one of TYPES
    description: str
    derive: Callable[[Source], Any]
    vocabulary: str | None = None   # the rules/ vocabulary its words come from (see VOCABULARIES)
    optional: bool = False          # may be missing (not given, or undecided by the legal layer)


# Where the words of a word or set fact come from, by vocabulary name.
VOCABULARIES: dict[str, tuple[str, Callable[[LegalTables], Any]]] = {
    "record_kinds": ("rules/legal/record-kinds.yaml", lambda t: t.kinds),
    "offence_categories": ("rules/legal/offence-categories.yaml", lambda t: t.categories),
    "sentence_types": ("rules/legal/sentence-types.yaml", lambda t: t.sentence_types),
    "check_levels": ("rules/legal/check-levels.yaml", lambda t: t.levels),
    "barred_groups": ("rules/legal/check-levels.yaml", lambda t: t.barred.groups),
    "duties": ("rules/vocabularies/role.yaml", lambda t: t.duties),
    "settings": ("rules/vocabularies/role.yaml", lambda t: t.settings),
    "offence_groups": ("rules/legal/offence-categories.yaml", lambda t: t.groups),
    "harm_grades": ("rules/legal/offence-categories.yaml", lambda t: HARM_GRADES),
    "needs": ("rules/oh/needs.yaml", lambda t: t.needs),
    "fit_note_status": ("engine/case_model.py (FitNote)", lambda t: ("not_fit", "may_be_fit")),
    "fit_note_advice": ("engine/case_model.py (FitNote)",
                        lambda t: ("phased_return", "altered_hours", "amended_duties", "workplace_adaptations")),
}


def words_of(spec: FactSpec, tables: LegalTables) -> list[str] | None:
    return sorted(VOCABULARIES[spec.vocabulary][1](tables)) if spec.vocabulary else None


def _exact(value: Fraction) -> int | Fraction:
    """Whole numbers as ints (fast to compare), others as exact fractions."""
    return int(value) if value.denominator == 1 else value


def _custody_months(s: Source) -> Fraction:
    total = Fraction(0)
    current = Fraction(0)
    for sentence in s.record.sentences:
        props = s.tables.sentence_types[sentence.type]
        if not props.custodial_for_filtering or not isinstance(sentence.length, LengthSpec):
            continue
        months = as_months(sentence.length.amount, sentence.length.unit, s.tables.days_per_month)
        current = current + months if sentence.consecutive else months
        total = max(total, current)
    return _exact(total)


def _value(s: Source, name: str) -> Any:
    value = s.result.values[name]
    return value.day if isinstance(value, SpentOn) else value


def _category(s: Source):
    return s.tables.categories.get(s.record.offence_category or "")


def _episodes(s: Source) -> list:
    return s.case.health.illness_episodes if s.case.health else []


def _in_episode(s: Source) -> bool:
    day = s.record.offence_date or s.record.date
    return any(e.start <= day <= (e.end or s.legal.on) for e in _episodes(s))


def _undeclared(s: Source) -> bool | None:
    """Had to be declared (may be asked about) and was not; a protected record never counts."""
    considered = _value(s, "considered")
    if considered is not True:
        return considered   # False: nothing to declare; None: undecided
    return None if s.record.self_disclosed is None else not s.record.self_disclosed


def _similar(s: Source) -> int:
    """Other records that may be considered, in the same offence group."""
    group = _category(s).group if _category(s) else None
    if group is None:
        return 0
    considered = {r.id for r in s.legal.records if r.values["considered"] is True}
    return sum(1 for r in s.case.records if r.id != s.record.id and r.id in considered
               and (c := s.tables.categories.get(r.offence_category or "")) and c.group == group)


def _since_latest_considered(s: Source) -> int | None:
    considered = [r.date for r in s.legal.records if r.values["considered"] is True]
    return whole_months_between(max(considered), s.legal.on) if considered else None


def _considered_records(s: Source) -> list:
    """The records that may be considered, oldest first."""
    ids = {r.id for r in s.legal.records if r.values["considered"] is True}
    return sorted((r for r in s.case.records if r.id in ids), key=lambda r: (r.date, r.id))


def _gravity(s: Source, record) -> tuple[int, bool]:
    category = s.tables.categories.get(record.offence_category or "")
    custodial = any(s.tables.sentence_types[x.type].custodial_for_filtering for x in record.sentences)
    return (HARM_GRADES.index(category.harm) if category else -1), custodial


def _escalating(s: Source) -> bool | None:
    """The most recent record is graver than every earlier one (higher harm, or custody where none before)."""
    records = _considered_records(s)
    if len(records) < 2:
        return False
    *earlier, latest = [_gravity(s, r) for r in records]
    if latest[0] < 0 or any(g[0] < 0 for g in earlier):
        return None   # a category is missing: cannot tell
    return all(latest[0] > g[0] or (latest[1] and not g[1] and latest[0] >= g[0]) for g in earlier)


def _latest_considered(s: Source) -> bool:
    records = _considered_records(s)
    return bool(records) and s.record.id in {r.id for r in records if r.date == records[-1].date}


def _barred_from(s: Source) -> frozenset[str] | None:
    if s.case.certificate is None:
        return None
    return frozenset(group for group, barred in s.case.certificate.barred.items() if barred is True)


def _span(s: Source) -> int | None:
    records = _considered_records(s)
    return whole_months_between(records[0].date, records[-1].date) if records else None


def _plan(s: Source):
    return s.case.health.wellbeing_plan if s.case.health else None


def _plan_names_triggers(s: Source) -> bool | None:
    plan = _plan(s)
    if plan is None or not plan.exists:
        return False
    if plan.names_triggers is None or plan.early_warning_signs is None:
        return None
    return plan.names_triggers and plan.early_warning_signs


def _specified(s: Source) -> bool | None:
    r = s.record
    if r.specified_offence is not None:
        return r.specified_offence
    category = s.tables.categories.get(r.offence_category or "")
    return category.specified if category and category.specified != "varies" else None


def _age(s: Source) -> int:
    return age_on(s.case.applicant.date_of_birth, s.record.date, s.tables.leap_day_birthday)


RECORD_FACTS: tuple[FactSpec, ...] = (
    FactSpec("kind", "record", "word", "the kind of record (conviction, caution, ...)", lambda s: s.record.kind,
             "record_kinds"),
    FactSpec("conviction", "record", "bool", "the record is a conviction (not a caution)",
             lambda s: s.tables.kinds[s.record.kind].conviction),
    FactSpec("offence_category", "record", "word", "the offence category, if given",
             lambda s: s.record.offence_category, "offence_categories", optional=True),
    FactSpec("specified", "record", "bool", "on the DBS list of specified offences (missing if not known)", _specified,
             optional=True),
    FactSpec("offence_group", "record", "word", "the family of offence (from the category)",
             lambda s: _category(s).group if _category(s) else None, "offence_groups", optional=True),
    FactSpec("harm", "record", "word", "the project's grade of the category's typical harm: low, medium or high",
             lambda s: _category(s).harm if _category(s) else None, "harm_grades", optional=True),
    FactSpec("linked_to_illness", "record", "bool", "the applicant or a clinician links the record to an illness "
             "episode", lambda s: any(s.record.id in e.linked_records for e in _episodes(s))),
    FactSpec("offence_in_episode", "record", "bool", "the offence (or, without an offence date, the record) falls "
             "within an illness episode", _in_episode),
    FactSpec("undeclared", "record", "bool", "may be asked about and was not declared by the applicant (a protected "
             "record never counts; missing if not known)", _undeclared, optional=True),
    FactSpec("similar_considered", "record", "number", "other records that may be considered in the same offence "
             "group", _similar),
    FactSpec("custodial", "record", "bool", "a custodial sentence, suspended included",
             lambda s: any(s.tables.sentence_types[x.type].custodial_for_filtering for x in s.record.sentences)),
    FactSpec("custody_months", "record", "months", "the longest custodial term, consecutive terms joined (0 if none)",
             _custody_months),
    FactSpec("sentence_types", "record", "set", "the types of sentence imposed",
             lambda s: frozenset(x.type for x in s.record.sentences), "sentence_types"),
    FactSpec("age_at_record", "record", "number", "age in years on the date of conviction or caution",
             _age),
    FactSpec("time_since_record", "record", "months", "time from the conviction or caution to the assessment date",
             lambda s: whole_months_between(s.record.date, s.legal.on)),
    FactSpec("time_since_offence", "record", "months", "time from the offence to the assessment date (missing if "
             "no offence date)", lambda s: whole_months_between(s.record.offence_date, s.legal.on)
             if s.record.offence_date else None, optional=True),
    FactSpec("spent", "record", "bool", "spent as at the assessment date (missing if undecided)",
             lambda s: _value(s, "spent"), optional=True),
    FactSpec("spent_on", "record", "date", "first spent day (missing if never, indefinite, unpaid or undecided)",
             lambda s: _value(s, "spent_on"), optional=True),
    FactSpec("protected", "record", "bool", "protected (filtered) (missing if undecided)",
             lambda s: _value(s, "protected"), optional=True),
    FactSpec("considered", "record", "bool", "may lawfully be taken into account (missing if undecided)",
             lambda s: _value(s, "considered"), optional=True),
    FactSpec("disclosed_standard", "record", "bool", "would appear on a standard or enhanced certificate",
             lambda s: _value(s, "disclosed.standard"), optional=True),
    FactSpec("latest_considered", "record", "bool", "the record is the most recent that may be considered (one of "
             "them, on a tie)", _latest_considered),
    FactSpec("self_disclosed", "record", "bool", "declared by the applicant before the certificate (missing if not "
             "recorded)", lambda s: s.record.self_disclosed, optional=True),
)


CASE_FACTS: tuple[FactSpec, ...] = (
    FactSpec("role.check_level", "case", "word", "the role's DBS check level", lambda s: s.case.role.check_level,
             "check_levels"),
    FactSpec("role.exceptions_order", "case", "bool", "the role is covered by the Exceptions Order",
             lambda s: s.tables.levels[s.case.role.check_level].exceptions_order),
    FactSpec("role.duties", "case", "set", "the role's duties", lambda s: frozenset(s.case.role.duties),
             "duties"),
    FactSpec("role.setting", "case", "word", "the role's setting", lambda s: s.case.role.setting,
             "settings", optional=True),
    FactSpec("role.regulated_activity", "case", "set", "groups the role is regulated activity with",
             lambda s: frozenset(s.case.role.regulated_activity), "barred_groups"),
    FactSpec("role.barred_list_checks", "case", "set", "the barred lists the check asked for",
             lambda s: frozenset(s.case.role.barred_list_checks), "barred_groups"),
    FactSpec("certificate.present", "case", "bool", "the DBS certificate has been returned",
             lambda s: s.case.certificate is not None),
    FactSpec("certificate.police_information", "case", "bool", "the chief officer added information (enhanced)",
             lambda s: s.case.certificate.police_information if s.case.certificate else None, optional=True),
    FactSpec("barred_from", "case", "set", "the groups the certificate shows the applicant barred from, whether or "
             "not the role is regulated activity with them (missing if there is no certificate)", _barred_from,
             "barred_groups", optional=True),
    FactSpec("barred_stop", "case", "bool", "barred from a group the role is regulated activity with (missing if "
             "not known)", lambda s: s.legal.barred.stopped, optional=True),
    FactSpec("records.count", "case", "number", "the number of records on the case",
             lambda s: len(s.case.records)),
    FactSpec("needs_information", "case", "bool", "the legal layer could not decide something without more facts",
             lambda s: bool(s.legal.needs)),
    FactSpec("considered_count", "case", "number", "records that may lawfully be considered",
             lambda s: sum(1 for r in s.legal.records if r.values["considered"] is True)),
    FactSpec("time_since_latest_considered", "case", "months", "time since the most recent record that may be "
             "considered (missing if none)", _since_latest_considered, optional=True),
    FactSpec("considered_span", "case", "months", "time from the earliest to the latest record that may be "
             "considered (missing if none)", _span, optional=True),
    FactSpec("escalating", "case", "bool", "the latest record that may be considered is graver than every earlier "
             "one: a higher harm grade, or custody where there was none (missing if a category is not given)",
             _escalating, optional=True),
    FactSpec("wellbeing_plan", "case", "bool", "a current wellbeing or recovery plan exists",
             lambda s: bool(_plan(s) and _plan(s).exists)),
    FactSpec("plan_names_triggers", "case", "bool", "the plan names triggers and early-warning signs (missing if "
             "not recorded)", _plan_names_triggers, optional=True),
    FactSpec("references", "case", "number", "supportive references received (missing if not recorded)",
             lambda s: s.case.evidence.references if s.case.evidence else None, optional=True),
    FactSpec("training_completed", "case", "bool", "training completed since the offending",
             lambda s: bool(s.case.evidence and s.case.evidence.training_completed)),
    FactSpec("account_received", "case", "bool", "the applicant's own account was received (missing if not recorded)",
             lambda s: s.case.evidence.account_received if s.case.evidence else None, optional=True),
)

def _health(s: Source):
    return s.case.health


def _in_own_care_team(s: Source) -> bool | None:
    health, team = _health(s), s.case.role.team
    if health is None or health.own_care_team is None:
        return False
    return None if team is None else health.own_care_team.strip().lower() == team.strip().lower()


def _oh_assessed(health) -> bool:
    if health is None:
        return False
    return bool(health.functional_needs or health.fit_note or health.own_care_team or health.absence
                or health.hours_wanted or health.on_benefits is not None
                or health.returning_after_illness is not None)


def _long_term(s: Source) -> bool:
    """Has lasted or is likely to last 12 months, or recurs (two or more episodes): Equality Act 2010 Sch.1 para.2."""
    episodes = _episodes(s)
    if len(episodes) >= 2:
        return True
    return any(whole_months_between(e.start, e.end or s.legal.on) >= 12 for e in episodes)


def _fit_note_until(s: Source):
    health = _health(s)
    return health.fit_note.until if health and health.fit_note else None


def _fit_note_in_date(s: Source) -> bool | None:
    until = _fit_note_until(s)
    return None if until is None else until >= s.legal.on


def _fit_note_months_left(s: Source) -> int | None:
    """The fewest whole months after the assessment date that reach the fit note's end (0 on the day)."""
    until = _fit_note_until(s)
    if until is None or until < s.legal.on:
        return None
    months = whole_months_between(s.legal.on, until)
    return months if add_months(s.legal.on, months) >= until else months + 1


def _plan_warning_signs(s: Source) -> bool | None:
    plan = _plan(s)
    return plan.early_warning_signs if plan is not None and plan.exists else False


OH_FACTS: tuple[FactSpec, ...] = (
    FactSpec("oh.assessed", "case", "bool", "occupational health has recorded an assessment (needs, fit note, own "
             "care team, absence, hours, benefits or a return after illness)", lambda s: _oh_assessed(_health(s))),
    FactSpec("oh.needs", "case", "set", "functional needs recorded by occupational health (clinical)",
             lambda s: frozenset(_health(s).functional_needs) if _health(s) else frozenset(), "needs"),
    FactSpec("oh.in_own_care_team", "case", "bool", "the post is in the team that provides the person's own care "
             "(missing if the post's team is not given)", _in_own_care_team, optional=True),
    FactSpec("oh.fit_note", "case", "word", "the fit note: not_fit or may_be_fit (missing if none)",
             lambda s: _health(s).fit_note.status if _health(s) and _health(s).fit_note else None, "fit_note_status",
             optional=True),
    FactSpec("oh.fit_note_in_date", "case", "bool", "the fit note's end date (until) is on or after the assessment "
             "date (missing if there is no fit note or it gives no end date)", _fit_note_in_date, optional=True),
    FactSpec("oh.fit_note_months_left", "case", "months", "the fewest whole months after the assessment date that "
             "reach the fit note's end date, 0 on the day (missing if no fit note, no end date, or it has ended)",
             _fit_note_months_left, optional=True),
    FactSpec("oh.fit_note_advice", "case", "set", "what the fit note advises",
             lambda s: frozenset(_health(s).fit_note.advice) if _health(s) and _health(s).fit_note else frozenset(),
             "fit_note_advice"),
    FactSpec("oh.absence_days", "case", "number", "days of sickness absence in the last 12 months (missing if not "
             "recorded)", lambda s: _health(s).absence.days_12_months if _health(s) and _health(s).absence else None,
             optional=True),
    FactSpec("oh.hours_wanted", "case", "number", "hours a week the person wants to work (missing if not recorded)",
             lambda s: _exact_number(_health(s).hours_wanted) if _health(s) else None, optional=True),
    FactSpec("oh.on_benefits", "case", "bool", "the person receives benefits (missing if not recorded)",
             lambda s: _health(s).on_benefits if _health(s) else None, optional=True),
    FactSpec("oh.plan_warning_signs", "case", "bool", "the wellbeing plan records early-warning signs (false if "
             "there is no plan; missing if a plan exists but this is not recorded)", _plan_warning_signs,
             optional=True),
    FactSpec("oh.returning", "case", "bool", "returning to work after a period of illness",
             lambda s: bool(_health(s) and _health(s).returning_after_illness)),
    FactSpec("oh.long_term", "case", "bool", "an episode has lasted 12 months or more, or episodes recur",
             _long_term),
    FactSpec("role.peers_in_team", "case", "number", "peer workers already in the post's team (missing if not "
             "given)", lambda s: s.case.role.peers_in_team, optional=True),
)


def _exact_number(value: float | None) -> int | Fraction | None:
    return None if value is None else _exact(Fraction(str(value)))


CATALOGUE: dict[str, FactSpec] = {f.name: f for f in RECORD_FACTS + CASE_FACTS + OH_FACTS}


@lru_cache(maxsize=16)
def _specs(names: frozenset[str] | None) -> tuple[tuple[FactSpec, ...], tuple[FactSpec, ...]]:
    """The case and record facts to derive: all, or those named."""
    case_specs, record_specs = CASE_FACTS + OH_FACTS, RECORD_FACTS
    if names is None:
        return case_specs, record_specs
    return tuple(f for f in case_specs if f.name in names), tuple(f for f in record_specs if f.name in names)


def derive_facts(case: Case, legal: LegalResult, tables: LegalTables,
                 names: frozenset[str] | None = None) -> tuple[dict, dict[str, dict]]:
    """Case facts, and record facts by record id, as the rules see them (given `names`, only those)."""
    base = Source(case, legal, tables)
    case_specs, record_specs = _specs(names)
    case_facts = {f.name: f.derive(base) for f in case_specs}
    results = {r.id: r for r in legal.records}
    record_facts = {}
    for record in case.records:
        src = Source(case, legal, tables, record, results[record.id])
        record_facts[record.id] = {f.name: f.derive(src) for f in record_specs}
    return case_facts, record_facts


def catalogue_markdown() -> str:
    lines = ["# Fact catalogue", "", "Generated from `engine/rules/catalogue.py` by "
             "`fairchance rules facts --markdown`; do not edit by hand.", "",
             "Rules read these facts by name. Record facts are read once per record, case facts once per case;",
             "rule sets add the facts they declare under `produces`. A missing value is shown as `missing`.", "",
             "| fact | scope | type | meaning | words from |", "|---|---|---|---|---|"]
    for f in CATALOGUE.values():
        words = VOCABULARIES[f.vocabulary][0] if f.vocabulary else ""
        lines.append(f"| `{f.name}` | {f.scope} | {f.type}{' (may be missing)' if f.optional else ''} | "
                     f"{f.description} | {words} |")
    return "\n".join(lines) + "\n"
