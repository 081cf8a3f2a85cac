"""The fairchance command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from engine.assess import assess
from engine.case_loader import load_case
from engine.casebank import casebank_files, run_case
from engine.problems import InputError
from engine.rulebase import Rules, load_rules
from engine.schema import case_schema

EXIT_INVALID = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text!r}") from exc


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def cmd_assess(args: argparse.Namespace, rules: Rules) -> int:
    case = load_case(Path(args.case), rules.tables, args.on)
    on = args.on or case.assessed_on or date.today()
    report = assess(case, rules, on)
    if args.json:
        sys.stdout.write(_dump(report))
    else:
        from engine.report import render_text

        sys.stdout.write(render_text(report, reasons=not args.brief))
    return 0


def cmd_schema(args: argparse.Namespace, rules: Rules) -> int:
    sys.stdout.write(_dump(case_schema(rules.tables)))
    return 0


def cmd_casebank_check(args: argparse.Namespace, rules: Rules) -> int:
    results = []
    for file in casebank_files(Path(args.dir)):
        try:
            results.append(run_case(file, rules)[0])
        except InputError as exc:
            results.append(type("R", (), {"file": file, "title": "invalid input", "passed": False,
                                          "mismatches": tuple(str(p) for p in exc.problems)})())
    if args.json:
        sys.stdout.write(_dump([{"file": str(r.file), "title": r.title, "passed": r.passed,
                                 "mismatches": list(r.mismatches)} for r in results]))
    else:
        width = max((len(r.file.name) for r in results), default=4)
        for r in results:
            sys.stdout.write(f"{'PASS' if r.passed else 'FAIL'}  {r.file.name.ljust(width)}  {r.title}\n")
            for m in r.mismatches:
                sys.stdout.write(f"      {m}\n")
        failed = sum(not r.passed for r in results)
        sys.stdout.write(f"\n{len(results) - failed} passed, {failed} failed\n")
    return 0 if results and all(r.passed for r in results) else 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fairchance", description="Fair recruitment decisions: which criminal "
                                  "records may lawfully be considered, explained and sourced.")
    top.add_argument("--rules", type=Path, help="the rules directory (default: the project's rules/)")
    sub = top.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess a case file (YAML or JSON)")
    a.add_argument("case", help="path to the case file")
    a.add_argument("--on", type=_date, help="assess as at this date (YYYY-MM-DD), overriding assessed_on")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    a.add_argument("--brief", action="store_true", help="the table only, without the reasons")
    a.set_defaults(func=cmd_assess)
    s = sub.add_parser("schema", help="print the JSON Schema of a case file")
    s.set_defaults(func=cmd_schema)
    cb = sub.add_parser("casebank", help="the casebank of cases with expected outcomes")
    cbs = cb.add_subparsers(dest="casebank_command", required=True)
    check = cbs.add_parser("check", help="run every casebank case and compare with its expectations")
    check.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[1] / "casebank"))
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.set_defaults(func=cmd_casebank_check)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args, load_rules(args.rules))
    except InputError as exc:
        sys.stderr.write(f"fairchance: invalid input ({len(exc.problems)} problem"
                         f"{'s' if len(exc.problems) != 1 else ''}):\n{exc}\n")
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
