"""The report as text for people (`fairchance assess`): words, not codes; UK dates; what is not known said in
words. The JSON report (`--json`) keeps every raw value for machines and auditors."""

from __future__ import annotations

import re
from typing import Any

from engine.case.dates import uk_date
from engine.report.rulebase import Rules

LEVELS = ("basic", "standard", "enhanced")
CASE_FACTORS = ("pattern", "trajectory", "change_since", "plan", "post_involves", "adults_list_check",
                "children_list_check")
SPENT_WORDS = {"never": "never", "indefinite": "not while an order stands",
               "when_paid": "when the compensation is paid"}


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not known"}[value]


def _spent_on(value: str | None) -> str:
    if value is None:
        return "not known"
    return SPENT_WORDS.get(value) or uk_date(value)


def _standing(record: dict[str, Any]) -> str:
    if record["considered"] is True:
        return "may be considered"
    if record["considered"] is None:
        return "not yet placed (more information needed)"
    return "set aside (protected)" if record["protected"] else "set aside (the law does not allow it here)"


def _header(report: dict[str, Any], rules: Rules) -> list[str]:
    regimes = {r.id: r.title for r in rules.tables.regimes}
    filtering = {f.id: f.title for f in rules.tables.filtering}
    rec = report["regimes"]
    return [f"Case {report['case_id']}, as at {uk_date(report['assessed_on'])}",
            f"Rules version {report['rules_version'].removeprefix('sha256:')[:12]}; spent dates under "
            f"{regimes.get(rec['rehabilitation'], rec['rehabilitation'])}; "
            f"{filtering.get(rec['filtering'], rec['filtering'])}.", ""]


def _recommendation(report: dict[str, Any], rules: Rules) -> list[str]:
    rec, words = report["recommendation"], rules.wording
    if not rec["outcome"]:
        return ["No assessment framework was in force on that date: the legal results only."]
    lines = [f"Recommendation: {words.outcomes[rec['outcome']].label}.", f"Why: {rec['because']}"]
    if rec["safeguards"]:
        lines.append("Safeguards to agree: " + "; ".join(words.safeguards[s] for s in rec["safeguards"]) + ".")
    if rec["restrictions_to_discuss"]:
        said = words.factors["restrictions_to_discuss"]
        lines.append("For the panel to weigh (each takes away a core duty): "
                     + "; ".join(said[x] for x in rec["restrictions_to_discuss"]) + ".")
    if rec["review_on"]:
        lines.append(f"Review on {uk_date(rec['review_on'])}.")
    if rec["discuss_before_withdrawal"]:
        lines.append(words.panel.code_of_practice)
    lines += [f"Needed first: {need}." for need in rec["needs_information"]]
    return lines


def _record_lines(report: dict[str, Any], rules: Rules) -> list[str]:
    kinds = rules.tables.kinds
    return [f"  {r['id']}: {kinds[r['kind']].title}, {uk_date(r['date'])}: {_standing(r)}"
            for r in report["records"]] or ["  No records."]


def _table(report: dict[str, Any], rules: Rules) -> list[str]:
    head = ("Record", "Kind", "Date", "Spent on", "Spent", "On basic", "On standard", "On enhanced", "Protected",
            "May be considered")
    rows = [head] + [(r["id"], rules.tables.kinds[r["kind"]].title, uk_date(r["date"]), _spent_on(r["spent_on"]),
                      _yes(r["spent"]), *(_yes(r["disclosed"][lv]) for lv in LEVELS), _yes(r["protected"]),
                      _yes(r["considered"])) for r in report["records"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _barred(report: dict[str, Any]) -> str:
    stop = report["barred_stop"]
    return f"Barred-list stop: {_yes(stop['stopped'])}: {stop['reason']}"


def _changes(report: dict[str, Any], rules: Rules) -> list[str]:
    lines = []
    for c in report["changes"]:
        then = c.get("recommendation_then")
        lines.append(f"  {uk_date(c['date'])}: {c['record']} {c['change']}"
                     + (f"; the recommendation would then be: {rules.wording.outcomes[then].label}" if then else ""))
    return ["", "Dates of change:", *lines] if lines else []


def _case_factors(report: dict[str, Any], rules: Rules) -> list[str]:
    said, lines = rules.wording.factors, []
    for name in CASE_FACTORS:
        value = report["factors"].get(name)
        if value is None:
            continue
        text = ", ".join(said[name][v] for v in value) if isinstance(value, list) else said[name][value]
        lines.append(f"  {name.replace('_', ' ').capitalize()}: {text}")
    return ["", "The case as a whole:", *lines] if lines else []


ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _days(text: str) -> str:
    """The legal layer's reasons keep ISO dates (replay compares them byte for byte); people read UK dates."""
    return ISO_DAY.sub(lambda m: uk_date(m.group(0)), text)


def _reasons(report: dict[str, Any], rules: Rules) -> list[str]:
    lines = []
    for r in report["records"]:
        lines += ["", f"{r['id']} ({rules.tables.kinds[r['kind']].title}, {uk_date(r['date'])}): the legal workings"]
        lines += [f"  - {_days(x['text'])}" + (f"  [{'; '.join(p for p in (x['rule'], x['source']) if p)}]"
                                        if x["rule"] or x["source"] else "") for x in r["reasons"]]
        lines += [f"  - Not yet decided: {u['field']}; needs {'; '.join(u['needs'])}" for u in r["undecided"]]
    return lines


def render_text(report: dict[str, Any], rules: Rules, brief: bool = False) -> str:
    """The full text report (the panel's sentences, the records, dates of change, the case as a whole and the legal
    workings), or (brief) the recommendation and one line a record."""
    lines = _header(report, rules)
    if brief:
        lines += _recommendation(report, rules) + ["", "Records:"] + _record_lines(report, rules)
    else:
        lines += report.get("explanation", {}).get("panel", []) or _recommendation(report, rules)
        lines += ["", *_table(report, rules), "", _barred(report)]
        lines += _changes(report, rules) + _case_factors(report, rules) + _reasons(report, rules)
    return "\n".join(lines) + "\n"
