"""Benchmark the rule evaluators on synthetic cases (a script, not a test).

Evaluates the assessment-stage rule sets on N synthetic cases with:
  - the native evaluator, with its full trace;
  - the durable_rules evaluator;
  - a hand-written Python function implementing the same rules directly (the baseline),
all in one run, checks that all three agree, and prints the median time per case and the
ratios. Then evaluates --memory-cases cases with the native evaluator and prints the growth
of resident memory (goal: under 20 MB over 200,000 cases).

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

from engine.rulebase import load_rules
from engine.rules.durable_eval import evaluate_durable
from engine.rules.native import evaluate

ON = date(2026, 11, 22)
CATEGORIES = ["theft", "shoplifting", "fraud", "common_assault", "assault_occasioning_abh", "drugs_possession",
              "drugs_supply", "criminal_damage", "public_order", "motoring", "indecent_images", None]
DUTIES = ["lone_working", "home_visits", "medication", "cash_handling", "records_access", "police_station_based",
          "children_contact"]
DISHONESTY = {"theft", "shoplifting", "fraud", "benefit_fraud", "forgery", "handling_stolen_goods", "burglary"}
VIOLENCE = {"common_assault", "assault_occasioning_abh", "wounding_gbh", "robbery", "affray_violent_disorder",
            "assault_emergency_worker", "threats_to_kill"}
CHILDREN = {"child_sexual_offence", "child_cruelty", "indecent_images"}


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


def baseline(case: dict[str, Any], records: dict[str, dict[str, Any]]) -> tuple[dict, dict]:
    """The sample framework rules written directly in Python: what the rule files say, by hand."""
    out = {}
    duties = case["role.duties"]
    for rid, f in sorted(records.items()):
        if f["considered"] is not True:
            out[rid] = {"seriousness": None, "recency": None, "relevant_to": None}
            continue
        if f["custodial"] and f["custody_months"] > 48:
            seriousness = "very_high"
        elif f["custodial"]:
            seriousness = "high"
        elif f["specified"] is True:
            seriousness = "moderate"
        else:
            seriousness = "low"
        months = f["time_since_record"]
        recency = "recent" if months < 24 else "within_five_years" if months < 60 else "older"
        category, relevant = f["offence_category"], set()
        if category in DISHONESTY and duties & {"cash_handling", "records_access"}:
            relevant.add("cash_or_records")
        if category == "drugs_supply" and "medication" in duties:
            relevant.add("medicines")
        if category in VIOLENCE and duties & {"lone_working", "home_visits"}:
            relevant.add("lone_working")
        if category in CHILDREN and "children_contact" in duties:
            relevant.add("children")
        if "police_station_based" in duties:
            relevant.add("police_station")
        out[rid] = {"seriousness": seriousness, "recency": recency, "relevant_to": frozenset(relevant) or None}
    considered = [rid for rid, f in records.items() if f["considered"] is True]
    recent = [rid for rid in considered if out[rid]["recency"] in ("recent", "within_five_years")]
    pattern = ("none" if not considered else "repeated_recently" if len(recent) >= 2
               else "repeated" if len(considered) >= 2 else "one_off")
    return {"pattern": pattern}, out


def _produced(evaluation, names: list[str]) -> tuple[dict, dict]:
    records = {rid: {n: f.get(n) for n in names} for rid, f in sorted(evaluation.record_facts.items())}
    return {"pattern": evaluation.case_facts.get("pattern")}, records


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
    names = ["seriousness", "recency", "relevant_to"]

    for case, records in cases:   # all three agree before anything is timed
        native = _produced(evaluate(book, case, records, ON), names)
        durable = _produced(evaluate_durable(book, case, records, ON), names)
        assert native == durable == baseline(case, records), (case, records)
    print(f"agreement: native, durable_rules and the hand-written baseline agree on all {len(cases)} cases")

    results = {
        "baseline (hand-written)": _time(baseline, cases),
        "native (full trace)": _time(lambda c, r: evaluate(book, c, r, ON), cases),
        "native (no trace)": _time(lambda c, r: evaluate(book, c, r, ON, with_trace=False), cases),
        "durable_rules": _time(lambda c, r: evaluate_durable(book, c, r, ON), cases),
    }
    base = statistics.median(results["baseline (hand-written)"])
    print(f"\nmedian time per case over {args.cases} synthetic cases (rules {rules.version}):")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"  {name:<24} {median:9.1f} µs   {median / base:7.1f}× baseline")
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
