"""The audit report: how the panels decided, read from the store, as pandas tables and matplotlib charts.

Tables: the outcome distribution (recommended and decided), recommended against decided, the override
rate per chair and per recommendation rule, the rules that fire most, the time to decision, and
consistency: similar cases that got different final decisions.

"Similar" means the same factor profile, read from the stored report: every case-level factor the
framework gave (pattern, trajectory, change since, plan, the recommendation with its safeguards and
review, the occupational-health factors), the same multiset of the considered records' factors
(seriousness, recency, age at the time, relevance, illness link, disclosure), the same barred-list stop
and whether information was missing. Two such cases got the same recommendation from the same facts as
the rules see them, so a different final decision is worth an auditor's look (the rationale may well
justify it). Each case counts once, with its latest decision. A report removed by retention has no
profile and no rule: its decision still counts in the outcome, chair and time tables.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import textwrap
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from engine.store.chain import canonical, sha256

REMOVED = "(report removed)"
TOP_RULES = 20   # rows in the chart of the rules that fire most (the table has them all)


@dataclass(frozen=True)
class _Evaluated:
    rule: str
    profile: str | None


@dataclass(frozen=True)
class AuditReport:
    generated_at: datetime
    cases: int
    evaluations: int
    decisions: int
    tables: dict[str, pd.DataFrame]


def factor_profile(report: dict[str, Any]) -> str:
    """The canonical text of what makes two cases "similar" (see the module's docstring)."""
    records = sorted(canonical(r.get("factors") or {}) for r in report.get("records", []) if r.get("considered"))
    return canonical({"factors": report.get("factors") or {}, "records": records,
                      "barred_stop": (report.get("barred_stop") or {}).get("stopped"),
                      "needs_information": bool(report.get("needs_information"))})


def _evaluations(store: Any) -> tuple[dict[int, _Evaluated], Counter, Counter, int]:
    """One pass over the stored reports: each one's rule and profile, and the rules that fired."""
    seen: dict[int, _Evaluated] = {}
    findings: Counter = Counter()
    fired_in: Counter = Counter()
    for evaluation in store.iter_evaluations():
        report = evaluation.report
        if report is None:
            seen[evaluation.id] = _Evaluated(REMOVED, None)
            continue
        seen[evaluation.id] = _Evaluated(report["recommendation"]["rule"], factor_profile(report))
        rules = [(f["ruleset"], f["rule"]) for f in report.get("findings", [])]
        findings.update(rules)
        fired_in.update(set(rules))
    return seen, findings, fired_in, len(seen)


def _rate_table(decisions: pd.DataFrame, by: str) -> pd.DataFrame:
    if decisions.empty:
        return pd.DataFrame(columns=[by, "decisions", "overrides", "override_rate"])
    table = (decisions.assign(override=~decisions["agrees"]).groupby(by, as_index=False)
             .agg(decisions=("override", "size"), overrides=("override", "sum")))
    table["override_rate"] = table["overrides"] / table["decisions"]
    return table.sort_values(["override_rate", "decisions", by], ascending=[False, False, True], ignore_index=True)


def _outcomes(decisions: pd.DataFrame) -> pd.DataFrame:
    recommended = decisions["recommended"].value_counts()
    decided = decisions["final_outcome"].value_counts()
    table = pd.DataFrame({"recommended": recommended, "decided": decided}).fillna(0).astype(int)
    table.index.name = "outcome"
    table["decided_share"] = table["decided"] / max(len(decisions), 1)
    return table.reset_index().sort_values("outcome", ignore_index=True)


def _consistency(latest: pd.DataFrame) -> pd.DataFrame:
    columns = ["profile_id", "recommended", "outcome_a", "outcome_b", "cases_a", "cases_b", "example_a",
               "example_b", "profile"]
    rows = []
    for profile, group in latest.dropna(subset=["profile"]).groupby("profile"):
        by_outcome = {o: sorted(g["case_id"]) for o, g in group.groupby("final_outcome")}
        for a, b in itertools.combinations(sorted(by_outcome), 2):
            rows.append((sha256(profile)[:12], group["recommended"].iloc[0], a, b, len(by_outcome[a]),
                         len(by_outcome[b]), by_outcome[a][0], by_outcome[b][0], profile))
    return pd.DataFrame(rows, columns=columns)


def _time_to_decision(decided: list[Any], arrived: dict[str, datetime]) -> pd.DataFrame:
    """Days from the case's arrival (its first version stored) to the decision being recorded: both are the
    store's own clock, so a chair's `decided_on` set before the case was entered cannot make it negative.
    Whole calendar days in UTC; a clock set back between two app servers is counted as 0, never below."""
    rows = [(d.case_id, arrived[d.case_id].date(), d.created_at.date(),
             max(0, (d.created_at.date() - arrived[d.case_id].date()).days)) for d in decided]
    return pd.DataFrame(rows, columns=["case_id", "arrived_on", "recorded_on", "days"])


def _time_summary(times: pd.DataFrame) -> pd.DataFrame:
    days = times["days"].astype(float)
    stats = {"decisions": len(days), "median_days": days.median(), "mean_days": days.mean(),
             "p90_days": days.quantile(0.9), "max_days": days.max()}
    return pd.DataFrame([stats])


def build_audit_report(store: Any) -> AuditReport:
    evaluated, findings, fired_in, count = _evaluations(store)
    decided = store.decisions()
    arrived = {c.case_id: c.created_at for c in store.list_cases()}
    decisions = pd.DataFrame([{"decision_id": d.id, "evaluation_id": d.evaluation_id, "case_id": d.case_id,
                               "chair": d.chair, "recommended": d.recommended, "final_outcome": d.final_outcome,
                               "agrees": bool(d.agrees), "decided_on": d.decided_on,
                               "rule": evaluated[d.evaluation_id].rule,
                               "profile": evaluated[d.evaluation_id].profile} for d in decided],
                             columns=["decision_id", "evaluation_id", "case_id", "chair", "recommended",
                                      "final_outcome", "agrees", "decided_on", "rule", "profile"])
    latest = decisions.sort_values(["decided_on", "decision_id"]).groupby("case_id").tail(1)
    times = _time_to_decision(decided, arrived)
    fired = pd.DataFrame([(rs, rule, n, fired_in[(rs, rule)]) for (rs, rule), n in findings.items()],
                         columns=["ruleset", "rule", "findings", "evaluations"])
    fired = fired.sort_values(["findings", "rule"], ascending=[False, True], ignore_index=True)
    tables = {"outcomes": _outcomes(decisions),
              "recommended_vs_decided": pd.crosstab(decisions["recommended"], decisions["final_outcome"]),
              "overrides_by_chair": _rate_table(decisions, "chair"),
              "overrides_by_rule": _rate_table(decisions, "rule"),
              "rules_fired": fired,
              "time_to_decision": times,
              "time_to_decision_summary": _time_summary(times),
              "consistency": _consistency(latest)}
    return AuditReport(datetime.now().astimezone(), len(arrived), count, len(decisions), tables)


# Chart titles and axis titles, in words; the time-to-decision title says what is measured, from what to what.
TIME_TITLE = "Time to decision: days from the case's arrival to the decision being recorded"
DECISIONS_AXIS = "Number of decisions"
RATE_AXIS = "Share of decisions that overrode the recommendation"
WRAP = 38       # characters per line of a bar's label (rule titles are sentences)


def _figure(title: str, height: float = 4.5) -> tuple[Figure, Any]:
    fig = Figure(figsize=(8, height), layout="constrained")
    FigureCanvasAgg(fig)   # PNG through Agg, whatever backend the caller's process uses
    ax = fig.add_subplot()
    ax.set_title(textwrap.fill(title, 70))
    return fig, ax


def _empty(ax: Any) -> None:
    ax.text(0.5, 0.5, "No decisions recorded yet", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _label(code: Any, names: Mapping[str, str]) -> str:
    text = str(code)
    return textwrap.fill(names.get(text, text.replace("_", " ")), WRAP)


def _height(labels: list[str]) -> float:
    """Inches for a bar chart whose labels (wrapped to several lines) must not overlap."""
    return max(4.5, 1.4 + 0.2 * sum(label.count("\n") + 1.6 for label in labels))


def _bars(title: str, table: pd.DataFrame, label: str, value: str, xlabel: str, ylabel: str,
          names: Mapping[str, str], rate: bool = False) -> Figure:
    shown = table.head(TOP_RULES).iloc[::-1]
    labels = [_label(v, names) for v in shown[label]]
    fig, ax = _figure(title, _height(labels))
    if table.empty:
        _empty(ax)
        return fig
    ax.barh(labels, shown[value])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if rate:     # a share: 0 % to 100 %, never "0.25"
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:        # a count: whole numbers only
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def _outcomes_figure(outcomes: pd.DataFrame, names: Mapping[str, str]) -> Figure:
    labels = [_label(o, names) for o in outcomes["outcome"]]
    fig, ax = _figure("Outcomes: how often each was recommended and decided", _height(labels))
    if outcomes.empty:
        _empty(ax)
        return fig
    y = list(range(len(outcomes)))[::-1]
    ax.barh([i + 0.2 for i in y], outcomes["recommended"], height=0.4, label="Recommended by the rules")
    ax.barh([i - 0.2 for i in y], outcomes["decided"], height=0.4, label="Decided by the panel")
    ax.set_yticks(y, labels)
    ax.set_xlabel(DECISIONS_AXIS)
    ax.set_ylabel("Outcome")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return fig


def _time_figure(times: pd.DataFrame) -> Figure:
    fig, ax = _figure(TIME_TITLE)
    if times.empty:
        _empty(ax)
        return fig
    days = times["days"].astype(int)
    step = max(1, -(-(int(days.max()) + 1) // 30))            # at most 30 bars, each a whole number of days
    edges = [k * step - 0.5 for k in range(int(days.max()) // step + 2)]   # a bar over its days, not between
    ax.hist(days, bins=edges, edgecolor="white")
    ax.set_xlabel("Days from arrival to decision")
    ax.set_ylabel(DECISIONS_AXIS)
    # the axis starts at day 0 and shows at least days 0 and 1, so a lone same-day decision is not drawn on
    # a fractional axis running into negative days
    ax.set_xlim(-0.5, max(int(days.max()), 1) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def audit_figures(report: AuditReport, names: Mapping[str, str] | None = None) -> dict[str, Figure]:
    """The charts, labelled in words: `names` gives the words for outcome codes and rule ids (from the rule
    files; engine/services/words.py), so no chart shows a code."""
    t, names = report.tables, names or {}
    return {
        "outcomes": _outcomes_figure(t["outcomes"], names),
        "overrides_by_chair": _bars("Override rate per chair", t["overrides_by_chair"], "chair", "override_rate",
                                    RATE_AXIS, "Chair", names, rate=True),
        "overrides_by_rule": _bars("Override rate per recommendation rule", t["overrides_by_rule"], "rule",
                                   "override_rate", RATE_AXIS, "Rule that gave the recommendation", names, rate=True),
        "rules_fired": _bars(f"The rules that fire most (top {TOP_RULES})", t["rules_fired"], "rule", "findings",
                             "Number of findings in the stored reports", "Rule", names),
        "time_to_decision": _time_figure(t["time_to_decision"]),
    }


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


TITLES = {"outcomes": "Outcome distribution", "recommended_vs_decided": "Recommended (rows) against decided",
          "overrides_by_chair": "Override rate per chair", "overrides_by_rule": "Override rate per recommendation rule",
          "rules_fired": "The rules that fire most", "time_to_decision": f"{TIME_TITLE}, per decision",
          "time_to_decision_summary": "Time to decision (days from arrival to the decision being recorded)",
          "consistency": "Consistency: similar cases (same factor profile) with different final decisions"}


def _html(report: AuditReport, images: dict[str, bytes]) -> str:
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>fairchance audit report</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
             "td,th{border:1px solid #bbb;padding:.2em .5em;font-size:.9em}img{max-width:100%}</style></head><body>",
             "<h1>Audit report</h1>",
             f"<p>Generated {html.escape(report.generated_at.isoformat(timespec='seconds'))}: {report.cases} cases, "
             f"{report.evaluations} evaluations, {report.decisions} decisions.</p>"]
    for name, png in images.items():
        parts.append(f"<h2>{html.escape(TITLES.get(name, name))} (chart)</h2>"
                     f"<img alt='{html.escape(TITLES.get(name, name))}' "
                     f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
    for name, table in report.tables.items():
        index = name == "recommended_vs_decided"
        parts.append(f"<h2>{html.escape(TITLES[name])}</h2>" + table.to_html(index=index, escape=True, border=0))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_audit_report(report: AuditReport, out_dir: Path, names: Mapping[str, str] | None = None) -> list[Path]:
    """Each table as CSV, each chart as PNG, and index.html with all of them (images embedded)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in report.tables.items():
        path = out_dir / f"{name}.csv"
        table.to_csv(path, index=name == "recommended_vs_decided")
        written.append(path)
    images = {name: _png(fig) for name, fig in audit_figures(report, names).items()}
    for name, png in images.items():
        path = out_dir / f"{name}.png"
        path.write_bytes(png)
        written.append(path)
    page = out_dir / "index.html"
    page.write_text(_html(report, images), encoding="utf-8")
    return [*written, page]


def report_json(report: AuditReport) -> dict[str, Any]:
    """The tables as JSON-ready records (for `fairchance audit report --json`)."""
    out: dict[str, Any] = {"generated_at": report.generated_at.isoformat(), "cases": report.cases,
                           "evaluations": report.evaluations, "decisions": report.decisions}
    for name, table in report.tables.items():
        frame = table.reset_index() if name == "recommended_vs_decided" else table
        out[name] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return out
