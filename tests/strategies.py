"""Hypothesis strategies for valid case/1 files, built from the vocabularies in rules/legal/.

Every case is first built as plain data (what a parsed YAML or JSON file gives) and then validated
with engine.case.loader.case_from_data, so a generated case is always one the loader accepts; data
the loader refused would fail loudly (a bug here), never be filtered out silently.

What is generated:
  - an applicant (synthetic ref A-Tnnn) born 1940 onwards, at least 11 years before the assessment;
  - a role: any check level, regulated activity / barred-list checks / duties drawn from rules/;
  - an optional certificate;
  - 0-6 records of any kind in record-kinds.yaml (about half convictions), dated after the 10th
    birthday, not before 1975-07-01 and on or before the assessment date (sometimes on the same day
    as an earlier record); youth-only kinds only when under 18 on the record's date;
  - convictions with 1-3 sentences of types from sentence-types.yaml, respecting length
    (required / optional / none), max_months, youth_only and until_further_order; paid_on only on
    compensation orders, endorsement only where endorsable, custody_form only on custody,
    consecutive only after a term of the same type whose props say consecutive: true;
  - offence_category, specified_offence and schedule_18 sometimes omitted, never contradicting the
    category; conditions_end only on conditional cautions.

The loader rejects consecutive chains over the type's max_months and chains with a term of no
fixed length (tests in test_properties.py); the generator keeps within both, so every case it
makes is one the loader accepts.

Internal helpers take `draw` and cache the few strategies they use: building strategy objects on
every draw costs more than the engine's whole assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from engine.case.dates import age_on, as_months, birthday_in
from engine.case.loader import case_from_data
from engine.case.model import Case, Record
from engine.legal.tables import LegalTables, SentenceType, load_tables

TABLES: LegalTables = load_tables()
FIRST_DAY = date(1975, 7, 1)
LAST_DAY = date(2030, 12, 31)
EARLIEST_BIRTH = date(1940, 1, 1)
MAX_RECORDS = 6
DAY = timedelta(days=1)

UNITS = ("days", "weeks", "months", "years")
# Lengths for types the law does not cap (custody, driving disqualification...): long enough to
# reach every band, short enough to keep dates reasonable.
OPEN_LIMIT = {"days": 2000, "weeks": 400, "months": 240, "years": 25}

CONVICTION_KINDS = tuple(k for k, v in TABLES.kinds.items() if v.conviction)
CAUTION_KINDS = tuple(k for k, v in TABLES.kinds.items() if not v.conviction)
# About half of the records are convictions (a uniform draw over the kinds would make them rare).
KIND_POOL = CONVICTION_KINDS * max(1, len(CAUTION_KINDS) // max(1, len(CONVICTION_KINDS))) + CAUTION_KINDS
SENTENCE_TYPES = tuple(TABLES.sentence_types)
CUSTODY_FORMS = tuple(TABLES.custody_forms)
LEVELS = tuple(TABLES.levels)
GROUPS = tuple(TABLES.barred.groups)
DUTIES = tuple(TABLES.duties)
SETTINGS = tuple(TABLES.settings)
CATEGORIES = tuple(TABLES.categories)
LEAP = TABLES.leap_day_birthday

BOOL = st.booleans()
MAYBE_BOOL = st.sampled_from((None, False, True))


def validate(data: dict[str, Any], on: date | None = None) -> Case:
    """The loader's verdict on generated data: a Case, or InputError (which would be a bug here)."""
    as_at = on or date.fromisoformat(data["assessed_on"])
    return case_from_data(data, {}, "<generated>", TABLES, as_at)


@cache
def _choice(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


@lru_cache(maxsize=16384)
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def _pick(draw: st.DrawFn, options: Sequence[Any]) -> Any:
    return draw(_choice(tuple(options)))


def _int(draw: st.DrawFn, low: int, high: int) -> int:
    return draw(_ints(low, high))


@lru_cache(maxsize=16384)
def _dates(low: date, high: date) -> st.SearchStrategy[date]:
    return st.dates(low, high)


def _day(draw: st.DrawFn, low: date, high: date) -> date:
    # st.dates spreads days over the years; an integer offset would crowd them at `low`.
    return draw(_dates(low, high))


def _give(draw: st.DrawFn) -> bool:
    """Whether to give an optional fact; shrinks towards leaving it out."""
    return draw(BOOL)


def _max_amount(unit: str, limit_months: Fraction | None) -> int:
    if limit_months is None:
        return OPEN_LIMIT[unit]
    return int(limit_months / as_months(1, unit, TABLES.days_per_month))


def _length(draw: st.DrawFn, limit_months: Fraction | None) -> dict[str, int]:
    """A length in exactly one unit, at most `limit_months` as the loader measures it (when given)."""
    unit = _pick(draw, [u for u in UNITS if _max_amount(u, limit_months) >= 1])
    amount = _int(draw, 1, _max_amount(unit, limit_months))
    assert limit_months is None or as_months(amount, unit, TABLES.days_per_month) <= limit_months
    return {unit: amount}


def _months(sentence: dict[str, Any]) -> Fraction | None:
    length = sentence.get("length")
    if not isinstance(length, dict):
        return None
    ((unit, amount),) = length.items()
    return as_months(amount, unit, TABLES.days_per_month)


def _limit(props: SentenceType) -> Fraction | None:
    return None if props.max_months is None else Fraction(props.max_months)


def _fresh_sentence(draw: st.DrawFn, types: Sequence[str], record_day: date, on: date) -> dict[str, Any]:
    kind = _pick(draw, types)
    props = TABLES.sentence_types[kind]
    sentence: dict[str, Any] = {"type": kind}
    excluded = False
    if props.custody_forms and _give(draw):
        form = _pick(draw, CUSTODY_FORMS)
        sentence["custody_form"] = form
        excluded = TABLES.custody_forms[form].excluded
    if props.length != "none":
        choices: list[Any] = ["spec"]
        if props.length == "optional" or excluded:
            choices.append(None)
        if props.length == "optional":
            choices.append("none")
        if props.until_further_order:
            choices.append("until_further_order")
        choice = _pick(draw, choices)
        if choice == "spec":
            sentence["length"] = _length(draw, _limit(props))
        elif choice is not None:
            sentence["length"] = choice
    if _give(draw):
        sentence["start"] = _day(draw, record_day, min(record_day + 90 * DAY, on)).isoformat()
    if props.paid_on and _give(draw):
        sentence["paid_on"] = _day(draw, record_day, on).isoformat()
    if props.endorsable and _give(draw):
        sentence["endorsement"] = draw(BOOL)
    return sentence


def _sentences(draw: st.DrawFn, age: int, record_day: date, on: date,
               first_types: Sequence[str] | None) -> list[dict[str, Any]]:
    """1-3 sentences for a conviction at `age` (see the module docstring for the constraints)."""
    allowed = [t for t in SENTENCE_TYPES if not (TABLES.sentence_types[t].youth_only and age >= 18)]
    first = [t for t in (first_types or allowed) if t in allowed]
    assume(first)
    sentences = [_fresh_sentence(draw, first, record_day, on)]
    chain = _months(sentences[0])          # months in the current consecutive chain; None: no length
    for _ in range(_int(draw, 0, 2)):
        previous = sentences[-1]
        props = TABLES.sentence_types[previous["type"]]
        room = None if props.max_months is None or chain is None else props.max_months - chain
        can_follow = props.consecutive and chain is not None and (room is None or room * TABLES.days_per_month >= 1)
        if can_follow and _give(draw):
            sentence: dict[str, Any] = {"type": previous["type"], "consecutive": True, "length": _length(draw, room)}
            if props.custody_forms and _give(draw):
                sentence["custody_form"] = _pick(draw, CUSTODY_FORMS)
            chain += _months(sentence)
        else:
            sentence = _fresh_sentence(draw, allowed, record_day, on)
            chain = _months(sentence)
        sentences.append(sentence)
    return sentences


def _flag(draw: st.DrawFn, known: bool | str | None) -> bool | None:
    """specified_offence / schedule_18: omitted, or a value consistent with the category."""
    if isinstance(known, bool):
        return _pick(draw, (None, known))
    return draw(MAYBE_BOOL)


def earliest_record_day(born: date) -> date:
    """The day after the 10th birthday (the age of criminal responsibility), and not before 1975-07-01."""
    return max(FIRST_DAY, birthday_in(born.year + 10, born, LEAP) + DAY)


def _record(draw: st.DrawFn, rid: str, born: date, on: date, kinds: Sequence[str] | None,
            sentence_types: Sequence[str] | None, earlier: Sequence[date]) -> dict[str, Any]:
    low = earliest_record_day(born)
    same_day = sorted({d for d in earlier if low <= d <= on})
    day = _pick(draw, same_day) if same_day and _give(draw) else _day(draw, low, on)
    age = age_on(born, day, LEAP)
    pool = [k for k in (kinds or KIND_POOL) if not (TABLES.kinds[k].youth_only and age >= 18)]
    assume(pool)
    kind_name = _pick(draw, pool)
    kind = TABLES.kinds[kind_name]
    record: dict[str, Any] = {"id": rid, "kind": kind_name, "date": day.isoformat()}
    known = None
    if _give(draw):
        record["offence_category"] = _pick(draw, CATEGORIES)
        known = TABLES.categories[record["offence_category"]]
    for field, value in (("specified_offence", _flag(draw, known.specified if known else None)),
                         ("schedule_18", _flag(draw, known.schedule_18 if known else None))):
        if value is not None:
            record[field] = value
    if _give(draw):
        record["offence"] = f"Synthetic offence {rid}"
        if _give(draw):
            record["offence_date"] = _day(draw, low, day).isoformat()
    if kind.conviction:
        summary_only = draw(MAYBE_BOOL)
        if summary_only is not None:
            record["summary_only"] = summary_only
        record["sentences"] = _sentences(draw, age, day, on, sentence_types)
    elif kind.conditional and _give(draw):
        record["conditions_end"] = _day(draw, day, min(day + 200 * DAY, on)).isoformat()
    if _give(draw):
        record["self_disclosed"] = draw(BOOL)
    return record


def _subset(draw: st.DrawFn, values: Sequence[str]) -> list[str]:
    return [v for v in values if draw(BOOL)]


def _role(draw: st.DrawFn) -> dict[str, Any]:
    role: dict[str, Any] = {"title": "Synthetic role", "check_level": _pick(draw, LEVELS),
                            "regulated_activity": _subset(draw, GROUPS), "barred_list_checks": _subset(draw, GROUPS),
                            "duties": _subset(draw, DUTIES)}
    if _give(draw):
        role["setting"] = _pick(draw, SETTINGS)
    return role


def _certificate(draw: st.DrawFn, on: date) -> dict[str, Any]:
    certificate: dict[str, Any] = {"barred": {g: draw(MAYBE_BOOL) for g in _subset(draw, GROUPS)}}
    if _give(draw):
        certificate["issued_on"] = _day(draw, FIRST_DAY, on).isoformat()
    police = draw(MAYBE_BOOL)
    if police is not None:
        certificate["police_information"] = police
    return certificate


def _latest_birth(on: date) -> date:
    """Born on or before this day, a person is past their 10th birthday well before `on`."""
    return date(on.year - 11, on.month, min(on.day, 28))


@st.composite
def case_data(draw: st.DrawFn, on_min: date = FIRST_DAY, on_max: date = LAST_DAY, min_records: int = 0,
              max_records: int = MAX_RECORDS, first_kinds: Sequence[str] | None = None,
              first_sentence_types: Sequence[str] | None = None) -> dict[str, Any]:
    """A valid case as plain data (dates as YYYY-MM-DD), assessed on a day in [on_min, on_max].

    first_kinds / first_sentence_types constrain record R1 (when there is one), so that a property
    about custodial convictions or about cautions always has one to look at.
    """
    on = _day(draw, on_min, on_max)
    born = _day(draw, EARLIEST_BIRTH, _latest_birth(on))
    records: list[dict[str, Any]] = []
    for index in range(_int(draw, min_records, max_records)):
        first = index == 0
        records.append(_record(draw, f"R{index + 1}", born, on, first_kinds if first else None,
                               first_sentence_types if first else None,
                               [date.fromisoformat(r["date"]) for r in records]))
    data: dict[str, Any] = {
        "format": "case/1",
        "case_id": f"C-T-{_int(draw, 1, 9999):04d}",
        "assessed_on": on.isoformat(),
        "applicant": {"ref": f"A-T{_int(draw, 1, 999):03d}", "date_of_birth": born.isoformat()},
        "role": _role(draw),
        "records": records,
    }
    if _give(draw):
        data["jurisdiction"] = "england_wales"
    if _give(draw):
        data["certificate"] = _certificate(draw, on)
    return data


def cases(**kwargs: Any) -> st.SearchStrategy[Case]:
    """Valid Case objects (see case_data for the arguments), each one accepted by the loader."""
    return case_data(**kwargs).map(validate)


def record_dump(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def case_dump(case: Case) -> dict[str, Any]:
    """A Case back to plain data that the loader accepts (to build variants of a generated case)."""
    return case.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def with_records(case: Case, records: Sequence[Record], on: date | None = None) -> Case:
    """The same case with another list of records, validated again by the loader."""
    data = case_dump(case)
    data["records"] = [record_dump(r) for r in records]
    return validate(data, on or case.assessed_on)
