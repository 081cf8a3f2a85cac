"""The audit report: outcomes, override rates, rules fired, time to decision, consistency; charts and HTML."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from store_cases import PANEL_ABSENT

from engine.cli.main import main
from engine.report.rulebase import Rules
from engine.services.casebank import split_expect
from engine.services.words import chart_names
from engine.store import Store
from engine.store.audit_report import REMOVED, _time_figure, audit_figures, build_audit_report, write_audit_report
from engine.store.retention import apply_retention
from engine.store.service import evaluate_case, submit_case

FRAMEWORK = Path(__file__).resolve().parents[2] / "casebank" / "framework"
FILES = {"CB-F-001": "001-seed-minor-offences-during-illness-with-plan.yaml",
         "CB-F-004": "004-old-minor-motoring-appoint.yaml",
         "CB-F-013": "013-fraud-suspended-sentence-cash-handling.yaml"}
TWIN = "CB-F-004-TWIN"   # CB-F-004's facts under another case id: the same factor profile
# case -> (chair, final outcome, decided on)
DECISIONS = {"CB-F-001": ("demo-chair-a", "appoint_with_safeguards", date(2026, 1, 15)),
             "CB-F-004": ("demo-chair-a", "appoint_with_safeguards", date(2026, 1, 20)),   # overrides "appoint"
             TWIN: ("demo-chair-b", "appoint", date(2026, 1, 25)),
             "CB-F-013": ("demo-chair-b", "refer_to_panel", date(2026, 2, 4))}
FIGURES = {"outcomes", "overrides_by_chair", "overrides_by_rule", "rules_fired", "time_to_decision"}


@pytest.fixture
def decided(store: Store, rules: Rules, clock) -> dict[str, int]:
    clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ids = {}
    for case_id, name in FILES.items():
        data, _, _ = split_expect(FRAMEWORK / name)
        versions = [data] + ([{**data, "case_id": TWIN}] if case_id == "CB-F-004" else [])
        for version in versions:
            submit_case(store, rules, version, "demo-steward", "casebank case")
            ids[version["case_id"]] = evaluate_case(store, rules, version["case_id"], "demo-steward").id
    for case_id, (chair, final, on) in DECISIONS.items():
        clock.at = datetime.combine(on, time(9, 0), UTC)       # the decision is recorded on the day it is made
        recommended = store.evaluation(ids[case_id]).outcome
        store.record_decision(ids[case_id], chair, final, final == recommended, "The panel's reasons.", on,
                              "Discussed the record with the applicant.", chair, absences=PANEL_ABSENT)
    return ids


def test_override_rates_per_chair_and_rule(store: Store, decided: dict[str, int]) -> None:
    report = build_audit_report(store)
    assert (report.cases, report.evaluations, report.decisions) == (4, 4, 4)
    chairs = report.tables["overrides_by_chair"].set_index("chair")
    assert chairs.loc["demo-chair-a", ["decisions", "overrides"]].tolist() == [2, 1]
    assert chairs.loc["demo-chair-a", "override_rate"] == 0.5
    assert chairs.loc["demo-chair-b", "override_rate"] == 0.0
    rule_of_004 = store.evaluation(decided["CB-F-004"]).report["recommendation"]["rule"]
    rules = report.tables["overrides_by_rule"].set_index("rule")
    assert rules.loc[rule_of_004, ["decisions", "overrides"]].tolist() == [2, 1]
    assert rules["overrides"].sum() == 1


def test_outcomes_and_time_to_decision(store: Store, decided: dict[str, int]) -> None:
    report = build_audit_report(store)
    outcomes = report.tables["outcomes"].set_index("outcome")
    assert outcomes["decided"].to_dict() == {"appoint": 1, "appoint_with_safeguards": 2, "refer_to_panel": 1}
    assert outcomes["recommended"].to_dict() == {"appoint": 2, "appoint_with_safeguards": 1, "refer_to_panel": 1}
    cross = report.tables["recommended_vs_decided"]
    assert cross.loc["appoint", "appoint_with_safeguards"] == 1 and cross.loc["appoint", "appoint"] == 1
    days = report.tables["time_to_decision"].set_index("case_id")["days"].to_dict()
    assert days == {"CB-F-001": 10, "CB-F-004": 15, TWIN: 20, "CB-F-013": 30}   # cases stored on 2026-01-05
    assert report.tables["time_to_decision_summary"]["median_days"].iloc[0] == 17.5


def test_time_to_decision_is_never_negative(store: Store, rules: Rules, clock) -> None:
    """A decision dated (decided_on) before the case was entered still counts from arrival to recording."""
    clock.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    data, _, _ = split_expect(FRAMEWORK / FILES["CB-F-004"])
    submit_case(store, rules, data, "demo-steward", "entered after the panel met")
    evaluation = evaluate_case(store, rules, "CB-F-004", "demo-steward")
    clock.at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    store.record_decision(evaluation.id, "demo-chair-a", evaluation.outcome, True, "The panel's reasons.",
                          date(2026, 2, 1), None, "demo-chair-a", absences=PANEL_ABSENT)
    times = build_audit_report(store).tables["time_to_decision"]
    assert times[["arrived_on", "recorded_on", "days"]].values.tolist() == [[date(2026, 3, 1), date(2026, 3, 3), 2]]


def test_rules_fired_count_the_stored_findings(store: Store, decided: dict[str, int]) -> None:
    report = build_audit_report(store)
    expected = Counter((f["ruleset"], f["rule"]) for e in decided.values()
                       for f in store.evaluation(e).report["findings"])
    fired = report.tables["rules_fired"]
    assert {(r.ruleset, r.rule): r.findings for r in fired.itertuples()} == dict(expected)
    assert fired["findings"].is_monotonic_decreasing
    assert (fired["evaluations"] <= len(decided)).all()


def test_similar_cases_with_different_decisions(store: Store, decided: dict[str, int]) -> None:
    consistency = build_audit_report(store).tables["consistency"]
    assert len(consistency) == 1
    row = consistency.iloc[0]
    assert (row.outcome_a, row.outcome_b) == ("appoint", "appoint_with_safeguards")
    assert (row.example_a, row.example_b) == (TWIN, "CB-F-004")
    assert (row.cases_a, row.cases_b, row.recommended) == (1, 1, "appoint")


def test_decisions_still_count_after_retention(store: Store, decided: dict[str, int]) -> None:
    apply_retention(store, date(2027, 1, 1), "demo-steward")
    report = build_audit_report(store)
    assert report.decisions == 4
    assert report.tables["rules_fired"].empty
    assert report.tables["overrides_by_rule"]["rule"].tolist() == [REMOVED]
    assert report.tables["consistency"].empty
    assert report.tables["overrides_by_chair"]["overrides"].sum() == 1


def _tick_texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]


def test_charts_are_labelled_in_words_with_whole_number_counts(store: Store, decided: dict[str, int],
                                                               rules: Rules) -> None:
    names = chart_names(rules)
    figures = audit_figures(build_audit_report(store), names)
    for fig in figures.values():
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert not any("_" in t for t in _tick_texts(fig)), _tick_texts(fig)   # no outcome code or rule id
    outcomes = _tick_texts(figures["outcomes"])
    assert "Appoint with safeguards" in outcomes and "A full panel discussion with the\napplicant" in outcomes
    for name in ("outcomes", "rules_fired", "time_to_decision"):
        counts = [t.replace("\u2212", "-") for t in (_tick_texts(figures[name]))]
        numbers = [float(t) for t in counts if t.replace("-", "").replace(".", "").isdigit()]
        assert numbers and all(n == int(n) for n in numbers), (name, counts)      # never "0.25 decisions"
    assert all(t.endswith("%") for t in _tick_texts(figures["overrides_by_chair"]) if t[:1].isdigit())
    assert "arrival" in figures["time_to_decision"].axes[0].get_title()
    rule = store.evaluation(decided["CB-F-001"]).report["recommendation"]["rule"]
    assert any(names[rule][:20] in t.replace("\n", " ") for t in _tick_texts(figures["overrides_by_rule"]))


def test_files_charts_and_the_html_page(store: Store, decided: dict[str, int], tmp_path: Path) -> None:
    report = build_audit_report(store)
    figures = audit_figures(report)
    assert set(figures) == FIGURES and all(isinstance(f, Figure) and f.axes for f in figures.values())
    written = write_audit_report(report, tmp_path / "report")
    names = {p.name for p in written}
    assert {f"{n}.png" for n in FIGURES} <= names and {f"{n}.csv" for n in report.tables} <= names
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in written if p.suffix == ".png")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(FIGURES)
    assert "Override rate per chair" in page and "demo-chair-a" in page
    assert "http" not in page.replace("http-equiv", "")   # self-contained: nothing fetched


def test_an_empty_store_gives_empty_tables_and_charts(store: Store, tmp_path: Path) -> None:
    report = build_audit_report(store)
    assert report.decisions == 0 and report.tables["outcomes"].empty and report.tables["consistency"].empty
    written = write_audit_report(report, tmp_path)
    assert sum(p.suffix == ".png" for p in written) == len(FIGURES)


def test_the_command(store: Store, decided: dict[str, int], store_url: str, tmp_path: Path,
                     capsys: pytest.CaptureFixture) -> None:
    assert main(["audit", "report", "--db", store_url, "--out", str(tmp_path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["decisions"] == 4
    assert {r["chair"]: r["overrides"] for r in printed["overrides_by_chair"]} == {"demo-chair-a": 1,
                                                                                  "demo-chair-b": 0}
    assert str(tmp_path / "index.html") in printed["files"]


@pytest.mark.parametrize("days", [[0], [0, 0], [0, 3, 12], [45]])
def test_the_time_axis_shows_whole_days_from_zero(days: list[int]) -> None:
    """A lone same-day decision once drew an axis from -0.45 to 0.45: what a reader takes for negative days."""
    fig = _time_figure(pd.DataFrame({"days": days}))
    ax = fig.axes[0]
    fig.canvas.draw()
    low, high = ax.get_xlim()
    shown = [t for t in ax.get_xticks() if low <= t <= high]
    assert shown[0] == 0 and all(t == int(t) and t >= 0 for t in shown) and len(shown) >= 2
