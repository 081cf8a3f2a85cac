"""A pseudonymised export for auditors: the store's records as CSV and Parquet tables.

Case ids, evaluation and decision ids and usernames are replaced by keyed pseudonyms (HMAC-SHA256 with a
salt the caller supplies, or one generated and handed back to be kept apart from the export), so that
rows still join across tables and across exports made with the same salt, but cannot be traced back
without it. Dates of birth become the year of birth, and record dates the year.

Never exported: display names, the applicant's reference, offence descriptions, the applicant's own
accounts, clinical summaries, own care team, team names and OH notes (the applicant's words and health
detail; an auditor judging the panel's consistency needs the vocabulary words, not these).
Exported only with `include_rationales`: the panel's own free text (decision rationales, the
applicant discussion, member comments, case version reasons, access purposes, role titles), which an
auditor may need to judge an override but which may name people.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from engine.store.records import CaseVersion, Evaluation, StoreError

MIN_SALT = 16
PREFIX = {"case": "C", "user": "U", "evaluation": "E", "decision": "D"}


class Pseudonyms:
    def __init__(self, salt: str) -> None:
        if not isinstance(salt, str) or len(salt) < MIN_SALT:
            raise StoreError(f"salt: expected at least {MIN_SALT} characters (keep it secret, apart from the export)")
        self._key = salt.encode("utf-8")

    def __call__(self, kind: str, value: object) -> str | None:
        if value is None:
            return None
        mac = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{PREFIX[kind]}-{mac[:16]}"


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    salt: str
    salt_generated: bool
    rows: dict[str, int]


def _year(value: Any) -> int | None:
    if value is None:
        return None
    return value.year if isinstance(value, date) else date.fromisoformat(str(value)[:10]).year


def _words(values: Iterable[Any] | None) -> str | None:
    return None if values is None else ",".join(str(v) for v in values)


def _case_row(p: Pseudonyms, v: CaseVersion, free_text: bool) -> dict[str, Any]:
    data = v.data or {}
    role = data.get("role") or {}
    row = {"case": p("case", v.case_id), "version": v.version, "created_at": v.created_at,
           "created_by": p("user", v.created_by), "payload_removed": v.data is None,
           "assessed_on": data.get("assessed_on"),
           "birth_year": _year((data.get("applicant") or {}).get("date_of_birth")),
           "check_level": role.get("check_level"), "duties": _words(role.get("duties")),
           "setting": role.get("setting"), "regulated_activity": _words(role.get("regulated_activity")),
           "records": len(data.get("records") or []) if v.data is not None else None}
    if free_text:
        row |= {"reason": v.reason, "role_title": role.get("title")}
    return row


def _factor(value: Any) -> Any:
    return _words(value) if isinstance(value, list) else value


def _evaluation_rows(p: Pseudonyms, e: Evaluation, categories: dict[str, Any]) -> tuple[dict, list[dict]]:
    report = e.report or {}
    factors = report.get("factors") or {}
    row = {"evaluation": p("evaluation", e.id), "case": p("case", e.case_id), "version": e.version,
           "as_at": e.as_at, "created_at": e.created_at, "created_by": p("user", e.created_by),
           "rules_version": e.rules_version, "engine_version": e.engine_version, "evaluator": e.evaluator,
           "outcome": e.outcome, "report_removed": e.report is None,
           "rule": (report.get("recommendation") or {}).get("rule"),
           "barred_stop": (report.get("barred_stop") or {}).get("stopped"),
           "needs_information": len(report["needs_information"]) if "needs_information" in report else None,
           "considered": sum(bool(r.get("considered")) for r in report.get("records", [])) if report else None}
    row |= {f"factor_{k}": _factor(v) for k, v in sorted(factors.items())}
    records = [{"evaluation": row["evaluation"], "case": row["case"], "record": r.get("id"), "kind": r.get("kind"),
                "year": _year(r.get("date")), "offence_category": categories.get(r.get("id")),
                "spent": r.get("spent"), "protected": r.get("protected"), "considered": r.get("considered"),
                **{f"factor_{k}": _factor(v) for k, v in sorted((r.get("factors") or {}).items())}}
               for r in report.get("records", [])]
    return row, records


def _tables(store: Any, p: Pseudonyms, free_text: bool) -> dict[str, list[dict[str, Any]]]:
    t: dict[str, list[dict[str, Any]]] = {n: [] for n in ("cases", "evaluations", "records", "decisions",
                                                          "member_views", "oh_outcomes", "oh_releases",
                                                          "access_log")}
    for summary in store.list_cases():
        versions = {v.version: v for v in store.case_versions(summary.case_id)}
        t["cases"] += [_case_row(p, v, free_text) for v in versions.values()]
        for e in store.evaluations(summary.case_id):
            data = versions[e.version].data or {}
            categories = {r.get("id"): r.get("offence_category") for r in data.get("records") or []}
            row, records = _evaluation_rows(p, e, categories)
            t["evaluations"].append(row)
            t["records"] += records
            t["member_views"] += [{"evaluation": p("evaluation", m.evaluation_id), "member": p("user", m.member),
                                   "panel_role": m.panel_role, "view": m.view, "created_at": m.created_at}
                                  | ({"comment": m.comment} if free_text else {})
                                  for m in store.member_views(e.id)]
        t["oh_outcomes"] += [{"evaluation": p("evaluation", o.evaluation_id), "case": p("case", o.case_id),
                              "clinician": p("user", o.clinician), "outcome": o.outcome,
                              "adjustments": _words(o.adjustments), "review_on": o.review_on,
                              "created_at": o.created_at} for o in store.oh_outcomes(summary.case_id)]
        release = store.oh_release(summary.case_id)
        t["oh_releases"] += [{"case": p("case", summary.case_id), "step": st.step, "by": p("user", st.by),
                              "created_at": st.at} | ({"note": st.note} if free_text else {})
                             for st in (release.steps if release else ())]
    t["decisions"] = [{"decision": p("decision", d.id), "evaluation": p("evaluation", d.evaluation_id),
                       "case": p("case", d.case_id), "chair": p("user", d.chair), "members": len(d.members),
                       "recommended": d.recommended, "final_outcome": d.final_outcome, "agrees": d.agrees,
                       "decided_on": d.decided_on, "created_at": d.created_at}
                      | ({"rationale": d.rationale, "applicant_discussion": d.applicant_discussion} if free_text
                         else {}) for d in store.decisions()]
    t["access_log"] = [{"at": a.at, "actor": p("user", a.actor), "case": p("case", a.case_id),
                        "data_kind": a.data_kind} | ({"purpose": a.purpose} if free_text else {})
                       for a in store.access_log()]
    return t


def export_store(store: Any, out_dir: Path, salt: str | None = None, include_rationales: bool = False) -> ExportResult:
    """Write each table as TABLE.csv and TABLE.parquet under out_dir; the salt used comes back."""
    generated = salt is None
    salt = secrets.token_hex(32) if salt is None else salt
    tables = _tables(store, Pseudonyms(salt), include_rationales)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        csv, parquet = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
        files += [csv, parquet]
    return ExportResult(tuple(files), salt, generated, {n: len(r) for n, r in tables.items()})
