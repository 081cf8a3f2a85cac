"""Fuzz: mutated case files and rule directories end in a report or a located error, never a traceback,
a hang or runaway memory (tests/fuzzing.py; a larger run: benchmarks/fuzz_cases.py)."""

from pathlib import Path

from fuzzing import fuzz_cases, fuzz_rules
from rules_copy import copy_rules

from engine.report.rulebase import load_rules

CASEBANK = Path(__file__).resolve().parents[1] / "casebank"
SEED = 14


def _sources() -> list[Path]:
    return sorted(p for p in CASEBANK.rglob("*.yaml") if "demo" not in p.parts)


def test_mutated_case_files_end_in_a_report_or_a_located_error(tmp_path: Path) -> None:
    failures = []
    counts = fuzz_cases(_sources(), 800, SEED, tmp_path, load_rules(), seconds=10,
                        on_run=lambda r: failures.append(r) if r.outcome not in ("report", "located error") else None)
    assert not failures, "\n".join(f"{f.outcome} after {f.mutation}: {f.detail}" for f in failures[:5])
    assert counts["located error"] > 0 and counts["report"] > 0


def test_corrupted_rule_files_give_located_errors_from_lint(tmp_path: Path) -> None:
    failures = []
    counts = fuzz_rules(copy_rules(tmp_path), 8, SEED, seconds=30,
                        on_run=lambda r: failures.append(r) if r.outcome not in ("report", "located error") else None)
    assert not failures, "\n".join(f"{f.outcome} after {f.mutation}: {f.detail}" for f in failures[:5])
    assert counts["located error"] > 0
