"""Benchmark the rule evaluators on synthetic cases (a script, not a test).

Evaluates the assessment-stage rule sets on N synthetic cases with:
  - the native evaluator as it runs in a report: full trace, rule-set results kept by their inputs;
  - the same with the kept results forgotten before every case (the baseline: every rule matched afresh);
  - the native evaluator without a trace;
  - the durable_rules evaluator;
all in one run, checks that native and durable_rules agree on every fact, and prints the median time
per case and the ratios. Then evaluates --memory-cases cases with the native evaluator and prints the
growth of resident memory (goal: under 20 MB over 200,000 cases; the kept results are bounded).

    .venv/bin/python benchmarks/rules_bench.py --cases 2000 --memory-cases 200000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date
from fractions import Fraction
from typing import Any

from engine.report.rulebase import load_rules
from engine.rules.durable_eval import evaluate_durable
from engine.rules.native import evaluate

ON = date(2026, 11, 22)
CATEGORIES = ["theft", "shoplifting", "fraud", "common_assault", "assault_occasioning_abh", "drugs_possession",
              "drugs_supply", "criminal_damage", "public_order", "motoring", "indecent_images", None]
DUTIES = ["lone_working", "home_visits", "medication", "cash_handling", "records_access", "police_station_based",
          "children_contact"]


def synthetic_case(rng: random.Random) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Case and record facts as the legal layer would derive them (names from the fact catalogue)."""
    case = {"role.duties": frozenset(rng.sample(DUTIES, rng.randint(0, 4))), "role.exceptions_order": True}
    records = {}
    for i in range(rng.randint(1, 5)):
        custodial = rng.random() < 0.3
        records[f"R{i + 1}"] = {
            "considered": rng.choice([True, True, False, None]),
            "custodial": custodial,
            "custody_months": rng.choice([3, Fraction(61, 2), 24, 48, 60]) if custodial else 0,
            "specified": rng.choice([True, False, None]),
            "conviction": rng.random() < 0.8,
            "offence_category": rng.choice(CATEGORIES),
            "time_since_record": rng.randint(0, 240),
        }
    return case, records


def _produced(evaluation) -> tuple[dict, dict]:
    return evaluation.case_facts, dict(sorted(evaluation.record_facts.items()))


def _forgetting(book):
    def evaluate_afresh(case, records):
        book.forget_kept()
        return evaluate(book, case, records, ON)
    return evaluate_afresh


def _time(fn, cases) -> list[float]:
    times = []
    for case in cases:
        start = time.perf_counter_ns()
        fn(*case)
        times.append((time.perf_counter_ns() - start) / 1000)
    return times


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases timed per evaluator")
    parser.add_argument("--memory-cases", type=int, default=200_000, help="cases for the memory check")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rules = load_rules()
    book = rules.book
    rng = random.Random(args.seed)
    cases = [synthetic_case(rng) for _ in range(args.cases)]

    for case, records in cases:   # the two evaluators agree before anything is timed
        native = _produced(evaluate(book, case, records, ON))
        assert native == _produced(evaluate_durable(book, case, records, ON)), (case, records)
        assert native == _produced(_forgetting(book)(case, records)), (case, records)
    print(f"agreement: native (results kept or not) and durable_rules agree on every fact of all {len(cases)} cases")

    results = {
        "native, afresh (baseline)": _time(_forgetting(book), cases),
        "native (full trace)": _time(lambda c, r: evaluate(book, c, r, ON), cases),
        "native (no trace)": _time(lambda c, r: evaluate(book, c, r, ON, with_trace=False), cases),
        "durable_rules": _time(lambda c, r: evaluate_durable(book, c, r, ON), cases),
    }
    base = statistics.median(results["native, afresh (baseline)"])
    print(f"\nmedian time per case over {args.cases} synthetic cases (rules {rules.version}):")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"  {name:<26} {median:9.1f} µs   {median / base:7.2f}× baseline")
    native = statistics.median(results["native (full trace)"])
    print(f"  native (full trace) is {statistics.median(results['durable_rules']) / native:.1f}× faster "
          "than durable_rules")

    warm = [synthetic_case(rng) for _ in range(1000)]
    for case, records in warm * 5:
        evaluate(book, case, records, ON)
    before = _rss_mb()
    start = time.perf_counter()
    for i in range(args.memory_cases):
        case, records = warm[i % len(warm)]
        evaluate(book, case, records, ON)
    after = _rss_mb()
    print(f"\nmemory: {args.memory_cases} native evaluations with trace in {time.perf_counter() - start:.1f} s; "
          f"resident memory {before:.1f} MB -> {after:.1f} MB (growth {after - before:+.1f} MB)")


if __name__ == "__main__":
    main()
