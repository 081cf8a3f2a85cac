"""The report (spec/case-format.md "The report"): a plain, deterministic JSON document and a text view."""

from __future__ import annotations

from typing import Any

from engine import __version__
from engine.case.dates import add_months
from engine.case.model import Case
from engine.legal.layer import LegalResult, RecordResult
from engine.report.rulebase import Rules
from engine.rules.native import Evaluation
from engine.rules.plain import plain

REPORT_FORMAT = "report/1"
LEVELS = ("basic", "standard", "enhanced")


def _record(r: RecordResult, factors: dict[str, Any]) -> dict[str, Any]:
    v = r.values
    return {
        "id": r.id,
        "kind": r.kind,
        "date": r.date.isoformat(),
        "spent_on": plain(v["spent_on"]),
        "spent": v["spent"],
        "disclosed": {level: v[f"disclosed.{level}"] for level in LEVELS},
        "protected": v["protected"],
        "considered": v["considered"],
        "protected_from": plain(v["protected_from"]),
        "factors": plain(factors),
        "reasons": [{"topic": x.topic, "text": x.text, "rule": x.rule, "source": x.source} for x in r.reasons],
        "undecided": [{"field": u.field, "needs": list(u.needs), "if_favourable": plain(u.if_favourable),
                       "if_unfavourable": plain(u.if_unfavourable)} for u in r.undecided],
    }


def build_report(case: Case, legal: LegalResult, evaluation: Evaluation, rules: Rules) -> dict[str, Any]:
    """The whole report as plain data; records sorted by date then id, so input order never matters."""
    barred = legal.barred
    sets = rules.book.stage("assessment")
    record_factors = [n for s in sets if s.scope == "record" for n in s.produces]
    case_factors = [n for s in sets if s.scope == "case" for n in s.produces]
    records = sorted(legal.records, key=lambda r: (r.date, r.id))
    return {
        "format": REPORT_FORMAT,
        "case_id": case.case_id,
        "assessed_on": legal.on.isoformat(),
        "rules_version": rules.version,
        "engine_version": __version__,
        "regimes": {"rehabilitation": legal.regime, "filtering": legal.filtering},
        "outcome": evaluation.case_facts.get("recommendation"),
        "recommendation": _recommendation(legal, evaluation, case),
        "barred_stop": {"stopped": barred.stopped, "groups": list(barred.groups), "reason": barred.reason,
                        "source": barred.source},
        "records": [_record(r, {n: evaluation.record_facts[r.id][n] for n in record_factors}) for r in records],
        "factors": plain({n: evaluation.case_facts[n] for n in case_factors}),
        "findings": [{"ruleset": f.ruleset, "rule": f.rule, "title": f.title, "subject": f.subject,
                      "outputs": dict(f.outputs), "text": f.text, "source": list(f.source)}
                     for f in evaluation.findings],
        "needs_information": list(legal.needs),
        "changes": [{"date": d.isoformat(), "record": rid, "change": what} for d, rid, what in legal.changes],
        "trace": evaluation.trace,
    }


def _recommendation(legal: LegalResult, evaluation: Evaluation, case: Case) -> dict[str, Any]:
    facts = evaluation.case_facts
    rule = next((f for f in evaluation.findings if f.ruleset == "framework.recommendation"), None)
    months = facts.get("review_after")
    needs = list(legal.needs)
    if case.certificate is None:
        needs.insert(0, "the DBS certificate (not returned yet)")
    return {
        "outcome": facts.get("recommendation"),
        "rule": rule.rule if rule else None,
        "because": (rule.text or rule.title) if rule else None,
        "safeguards": plain(facts.get("safeguards") or frozenset()),
        "restrictions_to_discuss": plain(facts.get("restrictions_to_discuss") or frozenset()),
        "review_on": add_months(legal.on, int(months)).isoformat() if months is not None else None,
        "discuss_before_withdrawal": bool(facts.get("discuss_before_withdrawal")),
        "needs_information": needs if facts.get("recommendation") == "needs_information" else [],
    }
