"""Checks of a case against the vocabularies in rules/ and against itself (consistency)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from engine.case.dates import age_on, as_months
from engine.case.model import Case, Health, LengthSpec, Record, Sentence
from engine.case.vocabulary import Vocabulary
from engine.files.limits import InputLimits
from engine.files.problems import Path

Found = Iterator[tuple[Path, str]]
SUPPORTED_JURISDICTIONS = ("england_wales",)


def _one_of(value: str, known: dict | tuple, what: str) -> str:
    return f"unknown {what} {value!r}; expected one of: {', '.join(sorted(known))}"


LIMITS = "rules/policy/input-limits.yaml"


def check_sizes(data: Any, limits: InputLimits) -> Found:
    """Before the case is validated: how many records and list items, how deep, how long each text.
    Iterative, so that data from any source (the store, the app) cannot exhaust the stack."""
    records = data.get("records") if isinstance(data, dict) else None
    if isinstance(records, list) and len(records) > limits.max_records:
        yield ("records",), f"{len(records):,} records; a case may have at most {limits.max_records} ({LIMITS})"
        return
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if len(path) > limits.max_depth:
            yield path, f"nested more than {limits.max_depth} levels deep ({LIMITS})"
            return
        if isinstance(value, str) and len(value) > limits.max_text_chars:
            yield path, f"a text of {len(value):,} characters; at most {limits.max_text_chars:,} ({LIMITS})"
        elif isinstance(value, list):
            if len(value) > limits.max_list_items and path != ("records",):
                yield path, f"{len(value):,} items; a list may have at most {limits.max_list_items:,} ({LIMITS})"
                return
            stack += [(path + (i,), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            stack += [(path + (str(k),), v) for k, v in value.items()]


def _check_id(value: str | None, limits: InputLimits) -> str | None:
    """Ids are shown in reports, letters and terminals: printable characters only (no control characters,
    no bidirectional overrides, no terminal escapes), and short."""
    if value is None:
        return None
    if not value.isprintable() or value != value.strip():
        return ("an id may hold only printable characters, with no control characters, direction overrides "
                f"or leading or trailing spaces (found {value[:40]!r})")
    if len(value) > limits.max_id_chars:
        return f"an id may be at most {limits.max_id_chars} characters long (found {len(value)}; {LIMITS})"
    return None


def _ids(case: Case) -> Iterator[tuple[Path, str | None]]:
    yield ("case_id",), case.case_id
    yield ("applicant", "ref"), case.applicant.ref
    for i, r in enumerate(case.records):
        yield ("records", i, "id"), r.id
    for i, e in enumerate(case.health.illness_episodes if case.health else []):
        yield ("health", "illness_episodes", i, "id"), e.id
        for j, rid in enumerate(e.linked_records):
            yield ("health", "illness_episodes", i, "linked_records", j), rid


def _dates(case: Case) -> Iterator[tuple[Path, date | None]]:
    yield ("assessed_on",), case.assessed_on
    yield ("applicant", "date_of_birth"), case.applicant.date_of_birth
    yield ("certificate", "issued_on"), case.certificate.issued_on if case.certificate else None
    for i, r in enumerate(case.records):
        at = ("records", i)
        yield at + ("date",), r.date
        yield at + ("offence_date",), r.offence_date
        yield at + ("conditions_end",), r.conditions_end if isinstance(r.conditions_end, date) else None
        for j, s in enumerate(r.sentences):
            yield at + ("sentences", j, "start"), s.start
            yield at + ("sentences", j, "paid_on"), s.paid_on
    health = case.health
    for i, e in enumerate(health.illness_episodes if health else []):
        yield ("health", "illness_episodes", i, "start"), e.start
        yield ("health", "illness_episodes", i, "end"), e.end
    if health and health.wellbeing_plan:
        yield ("health", "wellbeing_plan", "reviewed_on"), health.wellbeing_plan.reviewed_on
    if health and health.fit_note:
        yield ("health", "fit_note", "until"), health.fit_note.until
    if health and health.oh_assessment:
        yield ("health", "oh_assessment", "assessed_on"), health.oh_assessment.assessed_on
    for i, t in enumerate(health.former_care_teams if health else []):
        yield ("health", "former_care_teams", i, "care_ended_on"), t.care_ended_on
    if health:
        yield ("health", "out_of_work_since"), health.out_of_work_since


def check_limits(case: Case, tables: Vocabulary, on: date | None, limits: InputLimits) -> Found:
    """Ids, the range of dates the engine can count from, and the assessment date against the law in force."""
    for path, value in _ids(case):
        message = _check_id(value, limits)
        if message:
            yield path, message
    low, high = limits.earliest_date, limits.latest_date
    for path, day in _dates(case):
        if day is not None and not low <= day <= high:
            yield path, f"the date {day} is outside the dates a case may hold, {low} to {high} ({LIMITS})"
    if on is not None and case.assessed_on != on and not low <= on <= high:
        yield ("assessed_on",), f"the assessment date {on} is outside {low} to {high} ({LIMITS})"
    if on is not None and low <= on <= high and (tables.regime_on(on) is None or tables.filtering_on(on) is None):
        first = min(r.in_force.from_ for r in tables.regimes)
        yield ("assessed_on",), (f"no rehabilitation regime is in force on {on}: the Rehabilitation of Offenders "
                                 f"Act 1974 applies from {first}")
    born = case.applicant.date_of_birth      # None only while a form's other problems are checked (loader)
    if on is not None and born is not None and born > on:
        yield ("applicant", "date_of_birth"), (f"the date of birth {case.applicant.date_of_birth} is after the "
                                               f"assessment date {on}")
    for i, r in enumerate(case.records):
        for j, months in _term_months(r, tables):
            if months > 12 * limits.max_term_years:
                yield ("records", i, "sentences", j, "length"), (
                    f"a term of {float(months):,.0f} months; no sentence or order (consecutive terms added up) "
                    f"may be longer than {limits.max_term_years} years ({LIMITS})")


def _term_months(record: Record, tables: Vocabulary) -> Iterator[tuple[int, Any]]:
    total = None
    for j, s in enumerate(record.sentences):
        if not isinstance(s.length, LengthSpec):
            total = None
            continue
        months = as_months(s.length.amount, s.length.unit, tables.days_per_month)
        total = total + months if s.consecutive and total is not None else months
        yield j, total


def check_case(case: Case, tables: Vocabulary, on: date | None, limits: InputLimits) -> Found:
    found = list(check_limits(case, tables, on, limits))
    if found:       # dates and lengths out of range: the checks below would count from them
        yield from found
        return
    if case.jurisdiction not in SUPPORTED_JURISDICTIONS:
        yield ("jurisdiction",), f"jurisdiction {case.jurisdiction!r} is not supported yet; only england_wales"
    yield from _check_role(case, tables)
    if case.certificate:
        for group in case.certificate.barred:
            if group not in tables.barred.groups:
                yield ("certificate", "barred", group), _one_of(group, tables.barred.groups, "barred list")
    yield from _check_health(case, on)
    for i, need in enumerate(case.health.functional_needs if case.health else []):
        if need not in tables.needs:
            yield ("health", "functional_needs", i), _one_of(need, tables.needs, "functional need")
    seen: dict[str, int] = {}
    for index, record in enumerate(case.records):
        if record.id in seen:
            yield ("records", index, "id"), f"duplicate record id {record.id!r} (also records[{seen[record.id]}])"
        seen.setdefault(record.id, index)
        for path, message in _check_record(record, case, tables, on):
            yield ("records", index) + path, message


def _check_health(case: Case, on: date | None) -> Found:
    if case.health is None:
        return
    ids = {r.id for r in case.records}
    seen: set[str] = set()
    for i, episode in enumerate(case.health.illness_episodes):
        path = ("health", "illness_episodes", i)
        if episode.id in seen:
            yield path + ("id",), f"duplicate episode id {episode.id!r}"
        seen.add(episode.id)
        if episode.end is not None and episode.end < episode.start:
            yield path + ("end",), f"the episode ends {episode.end}, before it starts {episode.start}"
        if on is not None and episode.start > on:
            yield path + ("start",), f"the episode starts {episode.start}, after the assessment date {on}"
        for j, rid in enumerate(episode.linked_records):
            if rid not in ids:
                yield path + ("linked_records", j), f"no record {rid!r}; expected one of: {', '.join(sorted(ids))}"
        if episode.linked_records and episode.linked_by is None:
            yield path + ("linked_by",), "say who links the records to the episode: applicant, clinician or both"
    yield from _check_oh_dates(case.health, on)


def _check_oh_dates(health: Health, on: date | None) -> Found:
    """OH dates that cannot be in the future: an assessment, the end of past care, leaving work."""
    if on is None:
        return
    dated = [(("oh_assessment", "assessed_on"), health.oh_assessment and health.oh_assessment.assessed_on,
              "the OH assessment is dated"),
             (("out_of_work_since",), health.out_of_work_since, "leaving work is dated")]
    dated += [(("former_care_teams", i, "care_ended_on"), t.care_ended_on, "the care ended")
              for i, t in enumerate(health.former_care_teams)]
    for path, value, what in dated:
        if value is not None and value > on:
            yield ("health",) + path, f"{what} {value}, after the assessment date {on}"


def _check_role(case: Case, tables: Vocabulary) -> Found:
    role = case.role
    if role.check_level not in tables.levels:
        yield ("role", "check_level"), _one_of(role.check_level, tables.levels, "check level")
    for field in ("barred_list_checks", "regulated_activity"):
        for i, group in enumerate(getattr(role, field)):
            if group not in tables.barred.groups:
                yield ("role", field, i), _one_of(group, tables.barred.groups, "group")
    for i, duty in enumerate(role.duties):
        if duty not in tables.duties:
            yield ("role", "duties", i), _one_of(duty, tables.duties, "duty")
    if role.setting is not None and role.setting not in tables.settings:
        yield ("role", "setting"), _one_of(role.setting, tables.settings, "setting")


def _check_record(record: Record, case: Case, tables: Vocabulary, on: date | None) -> Found:
    born = case.applicant.date_of_birth      # None: not readable, so no check that needs an age is made
    if born is not None and record.date < born:
        yield ("date",), f"the record is dated {record.date}, before the date of birth {born}"
    if on is not None and record.date > on:
        yield ("date",), f"the record is dated {record.date}, after the assessment date {on}"
    if record.offence_date and record.offence_date > record.date:
        yield ("offence_date",), f"the offence date {record.offence_date} is after the record's date {record.date}"
    kind = tables.kinds.get(record.kind)
    if kind is None:
        yield ("kind",), _one_of(record.kind, tables.kinds, "record kind")
        return
    age = age_on(born, record.date, tables.leap_day_birthday) if born is not None else None
    if kind.youth_only and age is not None and age >= tables.adult_age:
        yield ("kind",), (f"a {record.kind} is given only to under-{tables.adult_age}s, but the applicant was "
                          f"{age} on {record.date}")
    yield from _check_category(record, tables)
    if kind.conviction:
        yield from _check_conviction(record, tables, age)
    else:
        if record.sentences:
            yield ("sentences",), f"a {record.kind} has no sentences; only convictions do"
        if record.conditions_end is not None and not kind.conditional:
            yield ("conditions_end",), f"conditions_end applies only to conditional cautions, not to a {record.kind}"
        if isinstance(record.conditions_end, date) and record.conditions_end < record.date:
            yield ("conditions_end",), f"the conditions ended {record.conditions_end}, before the caution {record.date}"
        if isinstance(record.conditions_end, date) and on is not None and record.conditions_end > on:
            yield ("conditions_end",), (f"the conditions end {record.conditions_end}, after the assessment date {on}: "
                                        "give conditions_end: running (not ended on the assessment date)")


def _check_category(record: Record, tables: Vocabulary) -> Found:
    if record.offence_category is None:
        return
    category = tables.categories.get(record.offence_category)
    if category is None:
        yield ("offence_category",), _one_of(record.offence_category, tables.categories, "offence category")
        return
    for field, known in (("specified_offence", category.specified), ("schedule_18", category.schedule_18)):
        given = getattr(record, field)
        if given is not None and known != "varies" and given != known:
            yield (field,), (f"{field} is {str(given).lower()}, but every offence in category "
                             f"{record.offence_category!r} has {field} {str(known).lower()}")


def _check_conviction(record: Record, tables: Vocabulary, age: int | None) -> Found:
    if record.conditions_end is not None:
        yield ("conditions_end",), "conditions_end applies only to conditional cautions"
    if not record.sentences:
        yield ("sentences",), "a conviction needs at least one sentence"
    for index, sentence in enumerate(record.sentences):
        previous = record.sentences[index - 1] if index else None
        for path, message in _check_sentence(sentence, previous, record, tables, age):
            yield ("sentences", index) + path, message
    yield from _check_chains(record, tables)


def _check_sentence(s: Sentence, previous: Sentence | None, record: Record, tables: Vocabulary,
                    age: int | None) -> Found:
    props = tables.sentence_types.get(s.type)
    if props is None:
        yield ("type",), _one_of(s.type, tables.sentence_types, "sentence type")
        return
    yield from _check_length(s, props, tables)
    if props.youth_only and age is not None and age >= tables.adult_age:
        yield ("type",), (f"a {s.type} is made only for under-{tables.adult_age}s, but the applicant was {age} "
                          "at conviction")
    if s.start is not None and s.start < record.date:
        yield ("start",), f"the sentence starts {s.start}, before the conviction {record.date}"
    if s.paid_on is not None and not props.paid_on:
        yield ("paid_on",), f"paid_on applies only to compensation orders, not to {s.type}"
    if s.paid_on is not None and s.paid_on < record.date:
        yield ("paid_on",), f"paid {s.paid_on}, before the conviction {record.date}"
    if s.endorsement is not None and not props.endorsable:
        yield ("endorsement",), f"endorsement applies only to motoring_fine and penalty_notice, not to {s.type}"
    if s.custody_form is not None and not props.custody_forms:
        yield ("custody_form",), f"custody_form applies only to custody, not to {s.type}"
    if s.custody_form is not None and s.custody_form not in tables.custody_forms:
        yield ("custody_form",), _one_of(s.custody_form, tables.custody_forms, "custody form")
    if s.consecutive:
        yield from _check_consecutive(s, previous, props)


def _check_consecutive(s: Sentence, previous: Sentence | None, props) -> Found:
    if not props.consecutive:
        yield ("consecutive",), f"only custodial terms run consecutively, not {s.type}"
    elif previous is None or previous.type != s.type:
        yield ("consecutive",), f"a consecutive term must follow another {s.type} in the same record"
    elif s.start is not None:
        yield ("start",), "a consecutive term starts when the previous one ends; give no start"
    elif not (isinstance(s.length, LengthSpec) and isinstance(previous.length, LengthSpec)):
        yield ("consecutive",), ("consecutive terms need a fixed length each; a life or other indeterminate "
                                 "sentence has no end to follow")


def _check_chains(record: Record, tables: Vocabulary) -> Found:
    """Consecutive terms are one term in law, so the statutory maximum applies to their total."""
    total, first = None, 0
    for index, s in enumerate(record.sentences):
        props = tables.sentence_types.get(s.type)
        if props is None or not isinstance(s.length, LengthSpec):
            total = None
            continue
        months = as_months(s.length.amount, s.length.unit, tables.days_per_month)
        if s.consecutive and total is not None:
            total += months
        else:
            total, first = months, index
        if s.consecutive and props.max_months is not None and total > props.max_months:
            yield ("sentences", index, "length"), (
                f"consecutive {s.type} terms from sentences[{first}] total {float(total):g} months; "
                f"a {s.type} can be at most {props.max_months} months in all")


def _check_length(s: Sentence, props, tables: Vocabulary) -> Found:
    excluded = s.custody_form is not None and tables.custody_forms.get(s.custody_form, None) is not None \
        and tables.custody_forms[s.custody_form].excluded
    if s.length is None:
        if props.length == "required" and not excluded:
            yield ("length",), f"a {s.type} needs a length (days, weeks, months or years)"
        return
    if props.length == "none":
        yield ("length",), f"a {s.type} has no length; remove it"
    elif s.length == "until_further_order" and not props.until_further_order:
        yield ("length",), f"a {s.type} cannot be made until further order"
    elif s.length == "none" and props.length == "required":
        yield ("length",), f"a {s.type} needs a length (days, weeks, months or years)"
    elif isinstance(s.length, LengthSpec) and props.max_months is not None:
        months = as_months(s.length.amount, s.length.unit, tables.days_per_month)
        if months > props.max_months:
            yield ("length",), (f"a {s.type} can be at most {props.max_months} months; "
                                f"found {s.length.amount} {s.length.unit}")
