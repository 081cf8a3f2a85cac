"""The facts rules may read that come from the case file alone, read with the vocabularies of rules/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from engine.case.dates import age_on, as_months, whole_months_between
from engine.case.model import Case, LengthSpec, Record
from engine.case.vocabulary import Vocabulary
from engine.rules.catalogue import FactGroup, FactSpec, WordsFrom


@dataclass(frozen=True)
class Source:
    """What a fact is derived from: the case as at a date, and one record (None for case facts).
    The legal layer extends it with its result (engine/legal/facts.py)."""

    case: Case
    on: date
    tables: Vocabulary
    record: Record | None


def exact(value: Fraction) -> int | Fraction:
    """Whole numbers as ints (fast to compare), others as exact fractions."""
    return int(value) if value.denominator == 1 else value


def episodes(s: Source) -> list:
    """The illness episodes the case records."""
    return s.case.health.illness_episodes if s.case.health else []


def plan(s: Source):
    """The wellbeing or recovery plan, if any."""
    return s.case.health.wellbeing_plan if s.case.health else None


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
    return exact(total)


def _specified(s: Source) -> bool | None:
    r = s.record
    if r.specified_offence is not None:
        return r.specified_offence
    category = s.tables.categories.get(r.offence_category or "")
    return category.specified if category and category.specified != "varies" else None


def _age(s: Source) -> int:
    return age_on(s.case.applicant.date_of_birth, s.record.date, s.tables.leap_day_birthday)


def _barred_from(s: Source) -> frozenset[str] | None:
    if s.case.certificate is None:
        return None
    return frozenset(group for group, barred in s.case.certificate.barred.items() if barred is True)


FACTS = FactGroup(__name__, (
    FactSpec("kind", "record", "word", "the kind of record (conviction, caution, ...)", lambda s: s.record.kind,
             "record_kinds"),
    FactSpec("conviction", "record", "bool", "the record is a conviction (not a caution)",
             lambda s: s.tables.kinds[s.record.kind].conviction),
    FactSpec("offence_category", "record", "word", "the offence category, if given",
             lambda s: s.record.offence_category, "offence_categories", optional=True),
    FactSpec("specified", "record", "bool", "on the DBS list of specified offences (missing if not known)", _specified,
             optional=True),
    FactSpec("custodial", "record", "bool", "a custodial sentence, suspended included",
             lambda s: any(s.tables.sentence_types[x.type].custodial_for_filtering for x in s.record.sentences)),
    FactSpec("custody_months", "record", "months", "the longest custodial term, consecutive terms joined (0 if none)",
             _custody_months),
    FactSpec("sentence_types", "record", "set", "the types of sentence imposed",
             lambda s: frozenset(x.type for x in s.record.sentences), "sentence_types"),
    FactSpec("age_at_record", "record", "number", "age in years on the date of conviction or caution",
             _age),
    FactSpec("time_since_record", "record", "months", "time from the conviction or caution to the assessment date",
             lambda s: whole_months_between(s.record.date, s.on)),
    FactSpec("time_since_offence", "record", "months", "time from the offence to the assessment date (missing if "
             "no offence date)", lambda s: whole_months_between(s.record.offence_date, s.on)
             if s.record.offence_date else None, optional=True),
    FactSpec("self_disclosed", "record", "bool", "declared by the applicant before the certificate (missing if not "
             "recorded)", lambda s: s.record.self_disclosed, optional=True),
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
    FactSpec("role.peers_in_team", "case", "number", "peer workers already in the post's team (missing if not "
             "given)", lambda s: s.case.role.peers_in_team, optional=True),
    FactSpec("role.barred_list_checks", "case", "set", "the barred lists the check asked for",
             lambda s: frozenset(s.case.role.barred_list_checks), "barred_groups"),
    FactSpec("certificate.present", "case", "bool", "the DBS certificate has been returned",
             lambda s: s.case.certificate is not None),
    FactSpec("barred_from", "case", "set", "the groups the certificate shows the applicant barred from, whether or "
             "not the role is regulated activity with them (missing if there is no certificate)", _barred_from,
             "barred_groups", optional=True),
    FactSpec("certificate.police_information", "case", "bool", "the chief officer added information (enhanced)",
             lambda s: s.case.certificate.police_information if s.case.certificate else None, optional=True),
    FactSpec("records.count", "case", "number", "the number of records on the case",
             lambda s: len(s.case.records)),
), {
    "record_kinds": WordsFrom("rules/legal/record-kinds.yaml", lambda t: t.kinds),
    "offence_categories": WordsFrom("rules/legal/offence-categories.yaml", lambda t: t.categories),
    "sentence_types": WordsFrom("rules/legal/sentence-types.yaml", lambda t: t.sentence_types),
    "check_levels": WordsFrom("rules/legal/check-levels.yaml", lambda t: t.levels),
    "barred_groups": WordsFrom("rules/legal/check-levels.yaml", lambda t: t.barred.groups),
    "duties": WordsFrom("rules/vocabularies/role.yaml", lambda t: t.duties),
    "settings": WordsFrom("rules/vocabularies/role.yaml", lambda t: t.settings),
})
