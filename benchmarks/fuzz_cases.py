"""A larger fuzz run than `make test`'s: mutated casebank cases through `fairchance assess`, and corrupted copies
of rules/ through `fairchance rules lint`; prints how many runs ended in each outcome.

    .venv/bin/python benchmarks/fuzz_cases.py --cases 5000 --rules 300 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import OUTCOMES, Run, fuzz_cases, fuzz_rules  # noqa: E402
from rules_copy import copy_rules  # noqa: E402

from engine.report.rulebase import load_rules  # noqa: E402


def _show(title: str, counts: Counter, seconds: float, examples: list[Run]) -> None:
    total = sum(counts.values())
    print(f"{title}: {total} mutated files in {seconds:.0f} s")
    for outcome in OUTCOMES:
        print(f"  {outcome:16} {counts[outcome]}")
    for run in examples[:10]:
        print(f"  ! {run.outcome} after {run.mutation}: {run.detail[:400]}")


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--cases", type=int, default=5000)
    args.add_argument("--rules", type=int, default=300)
    args.add_argument("--seed", type=int, default=1)
    opts = args.parse_args()
    bad: list[Run] = []
    keep = lambda r: bad.append(r) if r.outcome not in ("report", "located error") else None  # noqa: E731
    sources = sorted(p for p in (ROOT / "casebank").rglob("*.yaml") if "demo" not in p.parts)
    with tempfile.TemporaryDirectory() as work:
        start = time.monotonic()
        counts = fuzz_cases(sources, opts.cases, opts.seed, Path(work), load_rules(), on_run=keep)
        _show("case files (fairchance assess)", counts, time.monotonic() - start, bad)
        failed = bool(bad)
        bad.clear()
        start = time.monotonic()
        counts = fuzz_rules(copy_rules(Path(work)), opts.rules, opts.seed, on_run=keep)
        _show("rule directories (fairchance rules lint)", counts, time.monotonic() - start, bad)
    return 1 if failed or bad else 0


if __name__ == "__main__":
    sys.exit(main())
