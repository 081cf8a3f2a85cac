"""Properties of the framework's weighing (issue 13, docs/framework.md "Properties the tests prove").

Outcomes are ranked appoint < appoint_with_safeguards < refer_to_panel < cannot_appoint (less favourable
to the applicant as the rank grows); needs_information depends only on what is missing, never on these
factors, so each property also checks that it does not appear on one side only.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import case_data, validate

from engine.legal.layer import assess_legal
from engine.report.assess import assess
from engine.report.catalogue import derive_facts
from engine.report.rulebase import load_rules
from engine.rules.native import evaluate

RULES = load_rules()
FILTERING_2020 = date(2020, 11, 28)
RANK = {"appoint": 0, "appoint_with_safeguards": 1, "refer_to_panel": 2, "cannot_appoint": 3}
ON = date(2026, 11, 22)
CATEGORIES = ("theft", "fraud", "common_assault", "assault_occasioning_abh", "criminal_damage", "arson",
              "drugs_possession", "drink_driving", "harassment", "public_order", "sexual_offence_other")
DUTIES = ("lone_working", "home_visits", "medication", "cash_handling", "records_access", "driving",
          "children_contact", "police_station_based")
SETTINGS = ("inpatient", "community", "crisis", "recovery_college")


def _outcome(data: dict) -> str:
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    return assess(case, RULES, case.assessed_on)["outcome"]


def _no_worse(better: str, worse: str) -> None:
    """`better` is at least as favourable as `worse`."""
    assert (better == "needs_information") == (worse == "needs_information"), (better, worse)
    if better != "needs_information":
        assert RANK[better] <= RANK[worse], (better, worse)


def _certified(data: dict) -> dict:
    """A returned certificate with nothing on it beyond the records, and the barred lists the post needs checked,
    so that the weighing is what is tested."""
    groups = data["role"].get("regulated_activity", [])
    role = dict(data["role"], barred_list_checks=groups)
    return dict(data, role=role, certificate={"issued_on": data["assessed_on"], "barred": dict.fromkeys(groups, False),
                                              "police_information": False})


@st.composite
def _health(draw: st.DrawFn, data: dict, with_links: bool) -> dict:
    on = date.fromisoformat(data["assessed_on"])
    born = date.fromisoformat(data["applicant"]["date_of_birth"])
    ids = [r["id"] for r in data["records"]]
    episodes = []
    for index in range(draw(st.integers(1, 3))):
        start = draw(st.dates(min(born + timedelta(days=365 * 10), on), on))
        end = draw(st.one_of(st.none(), st.dates(start, on)))
        linked = [i for i in ids if with_links and draw(st.booleans())]
        episode = {"id": f"E{index + 1}", "start": start.isoformat(), "summary": "Synthetic episode",
                   "linked_records": linked}
        if end is not None:
            episode["end"] = end.isoformat()
        if linked:
            episode["linked_by"] = draw(st.sampled_from(("applicant", "clinician", "both")))
        episodes.append(episode)
    health: dict = {"illness_episodes": episodes}
    if draw(st.booleans()):
        health["wellbeing_plan"] = {"exists": True, "names_triggers": draw(st.booleans()),
                                    "early_warning_signs": draw(st.booleans())}
    return health


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_illness_history_a_stated_link_or_a_plan_never_make_the_outcome_less_favourable(draw):
    """Equality Act 2010 s.15: the same case with illness episodes (a possible link), then with stated links and a
    plan, is never treated worse than without any illness history."""
    data = _certified(draw.draw(case_data(on_min=FILTERING_2020, min_records=1, max_records=4)))
    episodes_only = draw.draw(_health(data, with_links=False))
    linked = draw.draw(_health(data, with_links=True))
    without = _outcome(data)
    _no_worse(_outcome(dict(data, health=episodes_only)), without)
    _no_worse(_outcome(dict(data, health=linked)), without)


def _single(category: str, sentence: dict, born: date, day: date, role: dict) -> dict:
    return {"format": "case/1", "case_id": "C-T-0001", "assessed_on": ON.isoformat(),
            "applicant": {"ref": "A-T001", "date_of_birth": born.isoformat()}, "role": role,
            "certificate": {"issued_on": ON.isoformat(), "barred": {"adults": False}, "police_information": False},
            "records": [{"id": "R1", "kind": "conviction", "date": day.isoformat(), "offence_category": category,
                         "self_disclosed": True, "sentences": [sentence]}]}


def _born(day: date, age: int) -> date:
    """Born so as to be `age` (and about three months) on `day`."""
    return date(day.year - age, day.month, min(day.day, 28)) - timedelta(days=100)


ROLES = st.builds(lambda duties, setting: {"title": "Synthetic role", "check_level": "enhanced",
                                           "regulated_activity": ["adults"], "barred_list_checks": ["adults"],
                                           "duties": duties, "setting": setting},
                  st.lists(st.sampled_from(DUTIES), unique=True), st.sampled_from(SETTINGS))
SENTENCES = st.one_of(st.just({"type": "fine"}), st.just({"type": "conditional_discharge", "length": {"months": 12}}),
                      st.builds(lambda m: {"type": "custody", "length": {"months": m}}, st.integers(1, 24)))


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(CATEGORIES), SENTENCES, ROLES, st.integers(30, 3650))
def test_the_same_record_at_17_is_never_treated_worse_than_at_25(category, sentence, role, days_ago):
    day = ON - timedelta(days=days_ago)
    at_17 = _single(category, sentence, _born(day, 17), day, role)
    at_25 = _single(category, sentence, _born(day, 25), day, role)
    _no_worse(_outcome(at_17), _outcome(at_25))


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(CATEGORIES), SENTENCES, ROLES, st.integers(30, 3000), st.integers(1, 3000))
def test_an_older_record_is_never_treated_worse(category, sentence, role, days_ago, more):
    """The same record (same age at the time) further in the past is never weighed more heavily."""
    day = ON - timedelta(days=days_ago)
    born = date(day.year - 30, 3, 1)
    newer = _single(category, sentence, born, day, role)
    older = _single(category, sentence, born - timedelta(days=more), day - timedelta(days=more), role)
    _no_worse(_outcome(older), _outcome(newer))


EVIDENCE = st.fixed_dictionaries({"references": st.integers(0, 3), "training": st.booleans(),
                                  "account": st.booleans()})


def _evidence(e: dict) -> dict:
    return {"references": e["references"], "training_completed": ["Synthetic course"] if e["training"] else [],
            "account_received": e["account"]}


@settings(max_examples=250, deadline=None)
@given(case_data(on_min=FILTERING_2020, min_records=1, max_records=4), EVIDENCE, EVIDENCE)
def test_more_evidence_of_change_is_never_worse(data, a, b):
    data = _certified(data)
    less = {"references": min(a["references"], b["references"]), "training": a["training"] and b["training"],
            "account": a["account"] and b["account"]}
    more = {"references": max(a["references"], b["references"]), "training": a["training"] or b["training"],
            "account": a["account"] or b["account"]}
    _no_worse(_outcome(dict(data, evidence=_evidence(more))), _outcome(dict(data, evidence=_evidence(less))))


@settings(max_examples=250, deadline=None)
@given(case_data(on_min=FILTERING_2020, min_records=2, max_records=4))
def test_escalation_is_never_better(data):
    """Given everything else, the rules never give a more favourable outcome to escalating offending."""
    data = _certified(data)
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    legal = assess_legal(case, RULES, case.assessed_on)
    case_facts, record_facts = derive_facts(case, legal, RULES.tables)
    outcome = {flag: evaluate(RULES.book, {**case_facts, "escalating": flag}, record_facts, case.assessed_on,
                              with_trace=False).case_facts["recommendation"] for flag in (False, True)}
    _no_worse(outcome[False], outcome[True])


@settings(max_examples=250, deadline=None)
@given(case_data(on_min=FILTERING_2020, min_records=0, max_records=5))
def test_a_safeguard_never_takes_away_a_duty_and_restrictions_go_only_to_the_panel(data):
    case = validate(data, date.fromisoformat(data["assessed_on"]))
    report = assess(case, RULES, case.assessed_on)
    recommendation = report["recommendation"]
    restrictions = set(RULES.book.get("framework.restrictions").produces["restrictions_to_discuss"].values)
    assert not set(recommendation["safeguards"]) & restrictions
    if recommendation["restrictions_to_discuss"]:
        assert report["outcome"] == "refer_to_panel"
    if report["outcome"] == "appoint":
        assert recommendation["safeguards"] == []
