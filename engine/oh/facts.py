"""The facts occupational-health rules read (rules/oh/): the health block's needs, fit note, absence,
hours, benefits and return, read so that no clinical text reaches a rule's output."""

from __future__ import annotations

from fractions import Fraction

from engine.case.dates import add_months, whole_months_between
from engine.case.facts import Source, episodes, exact
from engine.rules.catalogue import FactGroup, FactSpec, WordsFrom


def _health(s: Source):
    return s.case.health


def _same_team(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def _in_own_care_team(s: Source) -> bool | None:
    """Missing when the person's care team (now or before) is known but the post's team is not."""
    health, team = _health(s), s.case.role.team
    if health is None or (health.own_care_team is None and not health.former_care_teams):
        return False
    if team is None:
        return None
    return health.own_care_team is not None and _same_team(health.own_care_team, team)


def _former_team_care_months(s: Source) -> int | None:
    """Whole months since the post's team last provided the person's care (missing if it never did, or the post's
    team is not given)."""
    health, team = _health(s), s.case.role.team
    if health is None or team is None:
        return None
    ended = [t.care_ended_on for t in health.former_care_teams if _same_team(t.team, team)]
    return whole_months_between(max(ended), s.on) if ended else None


def _months_out_of_work(s: Source) -> int | None:
    since = _health(s).out_of_work_since if _health(s) else None
    return None if since is None else whole_months_between(since, s.on)


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


def _episode_since_assessment(s: Source) -> bool:
    """An illness episode started after OH's assessment date: the assessment may be out of date."""
    health = _health(s)
    if health is None or health.oh_assessment is None:
        return False
    return any(e.start > health.oh_assessment.assessed_on for e in episodes(s))


def _exact_number(value: float | None) -> int | Fraction | None:
    return None if value is None else exact(Fraction(str(value)))


FACTS = FactGroup(__name__, (
    FactSpec("oh.assessed", "case", "bool", "occupational health has recorded its assessment (health.oh_assessment: "
             "when and by whom); nothing else in the health part counts as one",
             lambda s: bool(_health(s) and _health(s).oh_assessment)),
    FactSpec("oh.needs", "case", "set", "functional needs recorded by occupational health (clinical)",
             lambda s: frozenset(_health(s).functional_needs) if _health(s) else frozenset(), "needs"),
    FactSpec("oh.in_own_care_team", "case", "bool", "the post is in the team that currently provides the person's own "
             "care (missing if a care team, now or before, is known but the post's team is not)", _in_own_care_team,
             optional=True),
    FactSpec("oh.former_team_care_months", "case", "months", "whole months since the post's team last provided the "
             "person's care (missing if it never did, or the post's team is not given)", _former_team_care_months,
             optional=True),
    FactSpec("oh.months_out_of_work", "case", "months", "whole months since the person last left paid work (missing "
             "if not recorded)", _months_out_of_work, optional=True),
    FactSpec("oh.restraint_opt_out", "case", "bool", "the person asks not to take part in physical restraint or "
             "forced medication", lambda s: bool(_health(s) and _health(s).restraint_opt_out)),
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
    FactSpec("oh.episode_since_assessment", "case", "bool", "a period of illness started after OH's assessment "
             "date", _episode_since_assessment),
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
