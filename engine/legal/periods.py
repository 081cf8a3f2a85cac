"""Spent dates under one regime: per sentence (term), per conviction, per caution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from engine.case.dates import add_length, add_months, as_months
from engine.case.model import LengthSpec
from engine.legal.records import Reason, RecordFacts, Spent
from engine.legal.spent_value import INDEFINITE, NEVER, WHEN_PAID, SpentOn, latest
from engine.legal.tables import Band, LegalTables, Period, Regime


@dataclass(frozen=True)
class Term:
    """A sentence as the law counts it: consecutive terms joined, an endorsement on its own."""

    type: str
    label: str
    start: date
    end: date | None            # None: no length given
    months: Fraction | None     # the length, for band choice (consecutive terms added up)
    until_further_order: bool
    excluded_form: str | None
    paid_on: date | None
    drags: bool
    longest_single: Fraction | None = None   # the longest single sentence in it (Schedule 18 test)


def _months_text(months: Fraction) -> str:
    return f"{float(months):.2f}".rstrip("0").rstrip(".")


def terms_of(facts: RecordFacts, tables: LegalTables) -> list[Term]:
    terms: list[Term] = []
    for index, s in enumerate(facts.sentences):
        props = tables.sentence_types[s.type]
        length = s.length if isinstance(s.length, LengthSpec) else None
        months = as_months(length.amount, length.unit, tables.days_per_month) if length else None
        form = s.custody_form if s.custody_form and tables.custody_forms[s.custody_form].excluded else None
        if s.consecutive and terms:
            prev = terms.pop()
            end = add_length(prev.end, length.amount, length.unit)
            terms.append(Term(prev.type, f"{prev.label}+[{index}] consecutive", prev.start, end,
                              prev.months + months, False, prev.excluded_form or form, None, prev.drags,
                              max(prev.longest_single, months)))
            continue
        start = s.start or facts.date
        terms.append(Term(s.type, f"sentences[{index}] {s.type}", start,
                          add_length(start, length.amount, length.unit) if length else None, months,
                          s.length == "until_further_order", form, s.paid_on, props.drags, months))
        if s.endorsement:
            terms.append(Term("endorsement", f"sentences[{index}] endorsement", facts.date, None, None,
                              False, None, None, tables.endorsement.drags))
    return terms


def _band(bands: list[Band], months: Fraction) -> tuple[Band, int | None]:
    """The band a length falls in, and the upper limit of the band below it (its lower bound)."""
    index = next(i for i, b in enumerate(bands) if b.up_to_months is None or months <= b.up_to_months)
    return bands[index], (bands[index - 1].up_to_months if index else None)


def _evaluate(period: Period, term: Term, facts: RecordFacts, regime: Regime) -> tuple[SpentOn, str]:
    if period.longest_of:
        results = [_evaluate(p, term, facts, regime) for p in period.longest_of]
        best = latest(*(v for v, _ in results))
        return best, "the longest of: " + "; ".join(w for _, w in results)
    if period.anchor == "immediate":
        return SpentOn.on(facts.date), "spent at once"
    if period.anchor == "payment":
        if term.paid_on is None:
            return WHEN_PAID, "spent when paid in full (not yet paid)"
        return SpentOn.on(term.paid_on), f"spent when paid in full, on {term.paid_on}"
    if period.anchor == "sentence_end" and term.end is None:
        return _evaluate(regime.no_length, term, facts, regime)
    base = facts.date if period.anchor == "conviction" else term.end
    base_text = f"conviction on {facts.date}" if period.anchor == "conviction" else f"end of the term on {term.end}"
    if period.bands is not None:
        band, floor = _band(period.bands, term.months)
        band_text = f"term of {_months_text(term.months)} months"
        # The Schedule 18 exclusion needs a single sentence over the band's floor, not consecutive terms.
        single_over = floor is None or (term.longest_single or term.months) > floor
        if band.never or (band.never_if_schedule_18 and facts.schedule_18 and single_over):
            why = " for a Schedule 18 offence" if band.never_if_schedule_18 else ""
            return NEVER, f"{band_text}{why}: excluded from rehabilitation, never spent"
        buffer, band_text = (band.youth if facts.youth else band.adult), band_text + ", "
    else:
        buffer, band_text = (period.youth if facts.youth else period.adult), ""
    who = f"under {facts.adult_age}" if facts.youth else f"{facts.adult_age} or over"
    months = buffer.in_months
    value = SpentOn.on(add_months(base, months))
    return value, f"{band_text}{who} at conviction: {months} months after the {base_text}"


def term_spent(term: Term, facts: RecordFacts, regime: Regime) -> tuple[SpentOn, Reason]:
    period = regime.periods[term.type]
    if term.excluded_form:
        value, why = NEVER, f"{term.excluded_form.replace('_', ' ')}: excluded from rehabilitation, never spent"
    elif term.until_further_order:
        value, why = INDEFINITE, "made until further order: not spent while it stands"
    else:
        value, why = _evaluate(period, term, facts, regime)
    note = " (assumed; see the rule file)" if period.assumed else ""
    return value, Reason("period", f"{term.label}: {why} -> {value.text()}{note}", regime.id, period.source)


@dataclass(frozen=True)
class ConvictionSpent:
    own: Spent            # every sentence, prohibition-type orders included
    compare: SpentOn      # without the orders that neither drag nor are compared
    excluded: bool        # a sentence excluded from rehabilitation: has no period to extend


def conviction_spent(facts: RecordFacts, terms: list[Term], regime: Regime) -> ConvictionSpent:
    """`terms` are terms_of(facts): the same under every regime, so worked out once."""
    results = [(term, *term_spent(term, facts, regime)) for term in terms]
    own = latest(*(v for _, v, _ in results))
    dragging = [v for t, v, _ in results if t.drags]
    compare = latest(*dragging) if dragging else SpentOn.on(facts.date)
    return ConvictionSpent(Spent(own, tuple(r for _, _, r in results)), compare, compare == NEVER)


def caution_spent(facts: RecordFacts, regime: Regime) -> Spent:
    period = regime.cautions.conditional if facts.conditional else regime.cautions.simple
    if period.anchor == "immediate":
        value, why = SpentOn.on(facts.date), "a simple caution, reprimand or warning is spent on the day it is given"
    else:
        months = (period.youth if facts.youth else period.adult).in_months
        value = SpentOn.on(add_months(facts.date, months))
        value, why = _conditions(period, facts, value, months)
    if "conditions_end" in facts.assumed:       # the date shown would be this world's guess, not a fact
        return Spent(value, (Reason("period", why, regime.id, period.source),))
    return Spent(value, (Reason("period", f"{why} -> {value.text()}", regime.id, period.source),))


def _conditions(period: Period, facts: RecordFacts, value: SpentOn, months: int) -> tuple[SpentOn, str]:
    """A conditional caution: spent `months` after it is given, or sooner when the conditions end."""
    why = f"a conditional caution is spent {months} months after it is given"
    if not period.conditions_end_if_sooner:
        return value, why
    if facts.conditions_end == "running":
        return (SpentOn(day=value.day, at_latest=True),
                why + ", or sooner when the conditions end; they had not ended on the assessment date, so it was "
                "unspent then (ROA 1974 Sch.2 para.1(1)(a))")
    if "conditions_end" in facts.assumed:
        # Not given: each world takes its own end date, and neither date is a fact to print.
        sooner = isinstance(facts.conditions_end, date) and facts.conditions_end < value.day
        return (SpentOn.on(facts.conditions_end) if sooner else value,
                why + f" ({value.day}), or sooner when the conditions end; the date they ended is not given, so "
                "the spent date cannot be given (conditions_end: a date, or running if they had not ended)")
    if isinstance(facts.conditions_end, date) and facts.conditions_end < value.day:
        return SpentOn.on(facts.conditions_end), why + f", or sooner when the conditions end ({facts.conditions_end})"
    return value, why
