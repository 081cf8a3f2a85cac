"""The manager's summary and the adjustment passport carry only what a manager may see (issue 15):
the fields rules/oh/adjustments.yaml lists under `manager_may_see`, each from manager wording, with
benefits and care-team arrangements in neutral words. A property over any OH section (with clinical
text, benefits figures and extra fields planted everywhere) and every OH casebank case through the
engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.case.loader import case_from_data
from engine.oh.summary import manager_summary, passport_html, summary_html, summary_text
from engine.report.assess import assess
from engine.report.rulebase import load_rules
from engine.services.casebank import split_expect

RULES = load_rules()
C = RULES.oh
CASEBANK_OH = Path(__file__).resolve().parents[1] / "casebank" / "oh"
# Words that would tell a manager about a benefit or the person's own care.
BANNED = ("esa", "permitted work", "permitted-work", "benefit", "own care", "universal credit", "mental health",
          "diagnos", "medication", "£")
MARK = "PLANTED"


INTERVIEW = {"questions_24_hours_ahead", "contact_before_interview"}
# An outcome sentence is manager wording with at most a review date (in words) put in.
OUTCOME_SENTENCES = [re.compile(re.escape(t).replace(re.escape("$review_on"), r"(\d{1,2} [A-Z][a-z]+ \d{1,4}|"
                                                      + re.escape("the date occupational health sets") + ")") + "$")
                     for t in C.manager_outcomes.values()]


def _allowed_strings(case_id: str, role: str | None) -> set[str]:
    out = {case_id, C.contact, C.permitted_work.manager}
    out |= {a.manager for i, a in C.adjustments.items() if i not in INTERVIEW}
    if role:
        out.add(role)
    return out


def _planted(draw_text: str) -> str:
    return f"{MARK} {draw_text} ESA permitted work £183.50 benefit own care team diagnosis"


@st.composite
def oh_reports(draw):
    ids = sorted(set(C.adjustments) - INTERVIEW)   # the rules produce interview items only as interview_adjustments
    planted = draw(st.text(min_size=0, max_size=20))
    weeks = draw(st.none() | st.integers(1, 12))
    section = {
        "outcome": draw(st.none() | st.sampled_from(sorted(C.manager_outcomes))),
        "disability_opinion": draw(st.sampled_from(sorted(C.disability_opinions))),
        "disability_opinion_text": _planted(planted),
        "functional_needs": [_planted(planted)],
        "adjustments": [{"id": i, "manager": C.adjustments[i].manager, "source": _planted(planted)}
                        for i in draw(st.lists(st.sampled_from(ids), max_size=6))],
        "peer_arrangements": [{"id": i, "manager": C.adjustments[i].manager, "named_by": _planted(planted)}
                              for i in draw(st.lists(st.sampled_from(ids), max_size=4))],
        "induction_arrangements": [{"id": i, "manager": C.adjustments[i].manager, "source": _planted(planted)}
                                   for i in draw(st.lists(st.sampled_from(ids), max_size=3))],
        "interview_adjustments": [{"id": i, "manager": C.adjustments[i].manager, "source": _planted(planted)}
                                  for i in sorted(INTERVIEW)],
        "assessment": {"assessed_on": "2026-11-20", "assessed_by": _planted(planted)},
        "recorded_outcome": draw(st.none() | st.sampled_from(sorted(set(C.manager_outcomes) - {"not_assessed"}))),
        "phased_return": {"weeks": weeks, "pattern": draw(st.sampled_from(sorted(C.phased_return_patterns.values())))}
        if weeks else None,
        "permitted_work": draw(st.none() | st.just({"manager": _planted(planted), "figures": "16 hours"})),
        "review_on": draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        "findings": [{"rule": "OH-X", "title": _planted(planted)}],
        **{f"extra_{k}": _planted(planted) for k in draw(st.lists(st.text("abc", min_size=1, max_size=3),
                                                                   max_size=3))},
    }
    report = {"case_id": "C-T-001", "occupational_health": section, "health": {"summary": _planted(planted)},
              "records": [{"applicant_account": _planted(planted)}]}
    role = draw(st.none() | st.sampled_from(["Peer Support Worker", "Healthcare Assistant"]))
    return report, role


def _check(summary: dict, case_id: str, role: str | None) -> None:
    assert set(summary) <= set(C.manager_may_see.fields)
    allowed = _allowed_strings(case_id, role)
    for key, value in summary.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v is None or key in ("review_on", "phased_return"):
                continue
            if key == "outcome":
                assert any(p.match(v) for p in OUTCOME_SENTENCES), v
                continue
            assert v in allowed, (key, v)
    for output in (summary_text(summary), summary_html(summary), passport_html(summary)):
        lowered = output.lower()
        assert MARK.lower() not in lowered
        assert not [w for w in BANNED if w in lowered], [w for w in BANNED if w in lowered]
        assert "interview" not in lowered


def test_what_a_manager_may_see_is_listed_with_its_source():
    assert C.manager_may_see.fields == ["case_id", "role", "outcome", "adjustments", "induction", "phased_return",
                                        "hours", "review_on", "contact"]
    assert "minimisation" in C.manager_may_see.source


def test_no_manager_wording_names_a_benefit_or_the_persons_care():
    words = [a.manager for a in C.adjustments.values()] + [C.permitted_work.manager, *C.manager_outcomes.values()]
    for text in words:
        assert not [w for w in BANNED if w in text.lower()], text
    assert C.adjustments["not_in_own_care_team"].manager == "Team placement agreed with OH"
    assert C.adjustments["benefits_advice"].manager.startswith("Hours agreed with OH")


@settings(max_examples=300, deadline=None)
@given(oh_reports())
def test_nothing_else_reaches_the_summary_or_the_passport(drawn):
    report, role = drawn
    summary = manager_summary(report, role, C)
    _check(summary, report["case_id"], role)
    if report["occupational_health"]["phased_return"]:
        assert summary["phased_return"].endswith(report["occupational_health"]["phased_return"]["pattern"])
    assert (summary["hours"] is not None) == bool(report["occupational_health"]["permitted_work"])


@pytest.mark.parametrize("file", sorted(CASEBANK_OH.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_oh_casebank_case_gives_a_minimal_summary(file):
    data, _, _ = split_expect(file)
    case = case_from_data(data, {}, str(file), RULES.tables)
    report = assess(case, RULES, case.assessed_on)
    _check(manager_summary(report, case.role.title, C), report["case_id"], case.role.title)
