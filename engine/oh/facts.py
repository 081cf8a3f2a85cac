"""The facts occupational-health rules read (rules/oh/): the health block's needs, fit note, absence,
hours, benefits and return, read so that no clinical text reaches a rule's output."""

from __future__ import annotations

from fractions import Fraction

from engine.case.dates import add_months, whole_months_between
from engine.case.facts import Source, episodes, exact, plan
from engine.rules.catalogue import FactGroup, FactSpec, WordsFrom


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
    found = episodes(s)
    if len(found) >= 2:
        return True
    return any(whole_months_between(e.start, e.end or s.on) >= 12 for e in found)


def _fit_note_until(s: Source):
    health = _health(s)
    return health.fit_note.until if health and health.fit_note else None


def _fit_note_in_date(s: Source) -> bool | None:
    until = _fit_note_until(s)
    return None if until is None else until >= s.on


def _fit_note_months_left(s: Source) -> int | None:
    """The fewest whole months after the assessment date that reach the fit note's end (0 on the day)."""
    until = _fit_note_until(s)
    if until is None or until < s.on:
        return None
    months = whole_months_between(s.on, until)
    return months if add_months(s.on, months) >= until else months + 1


def _plan_warning_signs(s: Source) -> bool | None:
    p = plan(s)
    return p.early_warning_signs if p is not None and p.exists else False


def _exact_number(value: float | None) -> int | Fraction | None:
    return None if value is None else exact(Fraction(str(value)))


FACTS = FactGroup(__name__, (
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
), {
    "needs": WordsFrom("rules/oh/needs.yaml", lambda t: t.needs),
    "fit_note_status": WordsFrom("engine/case/model.py (FitNote)", lambda t: ("not_fit", "may_be_fit")),
    "fit_note_advice": WordsFrom("engine/case/model.py (FitNote)",
                                 lambda t: ("phased_return", "altered_hours", "amended_duties",
                                            "workplace_adaptations")),
})
