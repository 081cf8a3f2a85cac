"""Casebank files: a case plus an `expect:` block; load them and compare a report with the expectations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path as FsPath
from typing import Any

from engine.case.loader import case_from_data, read_document
from engine.files.problems import InputError, Problem
from engine.oh.summary import manager_summary, summary_text
from engine.report.assess import assess
from engine.report.rulebase import Rules

RECORD_FIELDS = ("spent_on", "spent", "protected", "considered", "protected_from")
EXPECT_KEYS = {"title", "why", "source", "barred_stop", "records", "outcome", "needs_information", "safeguards",
               "factors", "discuss_before_withdrawal", "summary_contains", "summary_excludes"}


@dataclass(frozen=True)
class CaseResult:
    file: FsPath
    title: str
    mismatches: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches


DEMO_DIR = "demo"   # plain cases for demonstrations, with no expectations


def casebank_files(root: FsPath) -> list[FsPath]:
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml", ".json"} and p.is_file()
                  and DEMO_DIR not in p.relative_to(root).parts)


def split_expect(file: FsPath) -> tuple[dict[str, Any], dict[str, Any], dict]:
    data, lines = read_document(file)
    if not isinstance(data, dict) or "expect" not in data:
        raise InputError([Problem(str(file), ("expect",), "a casebank file needs an expect: block")])
    expect = data.pop("expect")
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        raise InputError([Problem(str(file), ("expect", k), f"unknown field; expected {sorted(EXPECT_KEYS)}")
                          for k in sorted(unknown)])
    return data, expect, lines


def _norm(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def compare(report: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    out = []
    if "barred_stop" in expect and report["barred_stop"]["stopped"] != expect["barred_stop"]:
        out.append(f"barred_stop: expected {expect['barred_stop']}, got {report['barred_stop']['stopped']}")
    if "outcome" in expect and report["outcome"] != expect["outcome"]:
        out.append(f"outcome: expected {expect['outcome']}, got {report['outcome']}")
    recommendation = report["recommendation"]
    if "safeguards" in expect and sorted(recommendation["safeguards"]) != sorted(expect["safeguards"] or []):
        out.append(f"safeguards: expected {sorted(expect['safeguards'] or [])}, got {recommendation['safeguards']}")
    if "discuss_before_withdrawal" in expect and \
            recommendation["discuss_before_withdrawal"] != expect["discuss_before_withdrawal"]:
        out.append(f"discuss_before_withdrawal: expected {expect['discuss_before_withdrawal']}, "
                   f"got {recommendation['discuss_before_withdrawal']}")
    out += _factor_mismatches("factors", report["factors"], expect.get("factors") or {})
    records = {r["id"]: r for r in report["records"]}
    for rid, wanted in (expect.get("records") or {}).items():
        got = records.get(rid)
        if got is None:
            out.append(f"{rid}: not in the report")
            continue
        for key, value in wanted.items():
            if key == "factors":
                out += _factor_mismatches(f"{rid}.factors", got["factors"], value)
            elif key == "disclosed":
                out += [f"{rid}.disclosed.{lv}: expected {v}, got {got['disclosed'][lv]}"
                        for lv, v in value.items() if got["disclosed"].get(lv) != v]
            elif key not in RECORD_FIELDS:
                out.append(f"{rid}.{key}: not a field the casebank can check")
            elif got[key] != _norm(value):
                out.append(f"{rid}.{key}: expected {_norm(value)}, got {got[key]}")
    return out


def _factor_mismatches(where: str, got: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    out = []
    for name, value in wanted.items():
        have = got.get(name)
        if isinstance(value, list) or isinstance(have, list):
            same = sorted(value or []) == sorted(have or [])
        else:
            same = have == value
        if not same:
            out.append(f"{where}.{name}: expected {value}, got {have}")
    return out


def _summary_mismatches(text: str, expect: dict[str, Any]) -> list[str]:
    """Words the manager's summary must, or must not, contain (case-insensitive)."""
    lowered = text.lower()
    return ([f"manager summary: expected to say {w!r}" for w in expect.get("summary_contains") or []
             if w.lower() not in lowered]
            + [f"manager summary: expected not to say {w!r}" for w in expect.get("summary_excludes") or []
               if w.lower() in lowered])


def run_case(file: FsPath, rules: Rules, engine: str = "native") -> tuple[CaseResult, dict[str, Any]]:
    data, expect, lines = split_expect(file)
    case = case_from_data(data, lines, str(file), rules.tables)
    report = assess(case, rules, case.assessed_on, engine)
    mismatches = compare(report, expect)
    if "summary_contains" in expect or "summary_excludes" in expect:
        mismatches += _summary_mismatches(summary_text(manager_summary(report, case.role.title, rules.oh)), expect)
    return CaseResult(file, str(expect.get("title", file.stem)), tuple(mismatches)), report
