"""The facts the framework's factors read (rules/framework/): offence family and harm, links to illness,
declaration, pattern and escalation, and evidence of change."""

from __future__ import annotations

from engine.case.dates import whole_months_between
from engine.case.facts import episodes, plan
from engine.legal.facts import LegalSource, considered_ids, legal_value
from engine.legal.tables import HARM_GRADES
from engine.rules.catalogue import FactGroup, FactSpec, WordsFrom


def _category(s: LegalSource):
    return s.tables.categories.get(s.record.offence_category or "")


def _in_episode(s: LegalSource) -> bool:
    day = s.record.offence_date or s.record.date
    return any(e.start <= day <= (e.end or s.on) for e in episodes(s))


def _undeclared(s: LegalSource) -> bool | None:
    """Had to be declared (may be asked about) and was not; a protected record never counts."""
    considered = legal_value(s, "considered")
    if considered is not True:
        return considered   # False: nothing to declare; None: undecided
    return None if s.record.self_disclosed is None else not s.record.self_disclosed


def _similar(s: LegalSource) -> int:
    """Other records that may be considered, in the same offence group."""
    group = _category(s).group if _category(s) else None
    if group is None:
        return 0
    considered = considered_ids(s)
    return sum(1 for r in s.case.records if r.id != s.record.id and r.id in considered
               and (c := s.tables.categories.get(r.offence_category or "")) and c.group == group)


def _since_latest_considered(s: LegalSource) -> int | None:
    considered = [r.date for r in s.legal.records if r.values["considered"] is True]
    return whole_months_between(max(considered), s.on) if considered else None


def _considered_records(s: LegalSource) -> list:
    """The records that may be considered, oldest first."""
    ids = considered_ids(s)
    return sorted((r for r in s.case.records if r.id in ids), key=lambda r: (r.date, r.id))


def _gravity(s: LegalSource, record) -> tuple[int, bool]:
    category = s.tables.categories.get(record.offence_category or "")
    custodial = any(s.tables.sentence_types[x.type].custodial_for_filtering for x in record.sentences)
    return (HARM_GRADES.index(category.harm) if category else -1), custodial


def _escalating(s: LegalSource) -> bool | None:
    """The most recent record is graver than every earlier one (higher harm, or custody where none before)."""
    records = _considered_records(s)
    if len(records) < 2:
        return False
    *earlier, latest = [_gravity(s, r) for r in records]
    if latest[0] < 0 or any(g[0] < 0 for g in earlier):
        return None   # a category is missing: cannot tell
    return all(latest[0] > g[0] or (latest[1] and not g[1] and latest[0] >= g[0]) for g in earlier)


def _latest_considered(s: LegalSource) -> bool:
    records = _considered_records(s)
    return bool(records) and s.record.id in {r.id for r in records if r.date == records[-1].date}


def _span(s: LegalSource) -> int | None:
    records = _considered_records(s)
    return whole_months_between(records[0].date, records[-1].date) if records else None


def _plan_names_triggers(s: LegalSource) -> bool | None:
    p = plan(s)
    if p is None or not p.exists:
        return False
    if p.names_triggers is None or p.early_warning_signs is None:
        return None
    return p.names_triggers and p.early_warning_signs


FACTS = FactGroup(__name__, (
    FactSpec("offence_group", "record", "word", "the family of offence (from the category)",
             lambda s: _category(s).group if _category(s) else None, "offence_groups", optional=True),
    FactSpec("harm", "record", "word", "the project's grade of the category's typical harm: low, medium or high",
             lambda s: _category(s).harm if _category(s) else None, "harm_grades", optional=True),
    FactSpec("linked_to_illness", "record", "bool", "the applicant or a clinician links the record to an illness "
             "episode", lambda s: any(s.record.id in e.linked_records for e in episodes(s))),
    FactSpec("offence_in_episode", "record", "bool", "the offence (or, without an offence date, the record) falls "
             "within an illness episode", _in_episode),
    FactSpec("undeclared", "record", "bool", "may be asked about and was not declared by the applicant (a protected "
             "record never counts; missing if not known)", _undeclared, optional=True),
    FactSpec("similar_considered", "record", "number", "other records that may be considered in the same offence "
             "group", _similar),
    FactSpec("latest_considered", "record", "bool", "the record is the most recent that may be considered (one of "
             "them, on a tie)", _latest_considered),
    FactSpec("time_since_latest_considered", "case", "months", "time since the most recent record that may be "
             "considered (missing if none)", _since_latest_considered, optional=True),
    FactSpec("considered_span", "case", "months", "time from the earliest to the latest record that may be "
             "considered (missing if none)", _span, optional=True),
    FactSpec("escalating", "case", "bool", "the latest record that may be considered is graver than every earlier "
             "one: a higher harm grade, or custody where there was none (missing if a category is not given)",
             _escalating, optional=True),
    FactSpec("wellbeing_plan", "case", "bool", "a current wellbeing or recovery plan exists",
             lambda s: bool(plan(s) and plan(s).exists)),
    FactSpec("plan_names_triggers", "case", "bool", "the plan names triggers and early-warning signs (missing if "
             "not recorded)", _plan_names_triggers, optional=True),
    FactSpec("references", "case", "number", "supportive references received (missing if not recorded)",
             lambda s: s.case.evidence.references if s.case.evidence else None, optional=True),
    FactSpec("training_completed", "case", "bool", "training completed since the offending",
             lambda s: bool(s.case.evidence and s.case.evidence.training_completed)),
    FactSpec("account_received", "case", "bool", "the applicant's own account was received (missing if not recorded)",
             lambda s: s.case.evidence.account_received if s.case.evidence else None, optional=True),
), {
    "offence_groups": WordsFrom("rules/legal/offence-categories.yaml", lambda t: t.groups),
    "harm_grades": WordsFrom("rules/legal/offence-categories.yaml", lambda t: HARM_GRADES),
})
