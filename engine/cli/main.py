"""The fairchance command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from engine.case.loader import load_case
from engine.case.schema import case_schema
from engine.cli.args import iso_date
from engine.cli.audit import add_parsers as add_audit_parsers
from engine.cli.store import add_parsers as add_store_parsers
from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import parse_rule_file
from engine.oh.report_text import oh_report_text
from engine.oh.summary import manager_summary, passport_html, summary_html, summary_text
from engine.report.assess import ENGINES, assess
from engine.report.catalogue import FACTS, catalogue_markdown
from engine.report.rulebase import Rules, load_rules
from engine.report.text import render_text
from engine.rules.directory import default_rules_dir
from engine.rules.durable_eval import DurableUnavailable
from engine.rules.examples import run_examples
from engine.rules.lint import lint
from engine.rules.native import EvaluationError
from engine.services.access import POLICY_FILE, AccessPolicy
from engine.services.casebank import CaseResult, casebank_files, run_case

EXIT_INVALID = 2


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def cmd_assess(args: argparse.Namespace, rules: Rules) -> int:
    case = load_case(Path(args.case), rules.tables, args.on)
    on = args.on or case.assessed_on or date.today()
    report = assess(case, rules, on, args.engine)
    if args.json:
        sys.stdout.write(_dump(report))
    elif args.letter:
        sys.stdout.write(report["explanation"]["applicant_letter"])
    else:
        sys.stdout.write(render_text(report, rules, brief=args.brief))
    return 0


def cmd_schema(args: argparse.Namespace, rules: Rules) -> int:
    sys.stdout.write(_dump(case_schema(rules.tables)))
    return 0


def cmd_casebank_check(args: argparse.Namespace, rules: Rules) -> int:
    results = []
    for file in casebank_files(Path(args.dir)):
        try:
            results.append(run_case(file, rules, args.engine)[0])
        except InputError as exc:
            results.append(CaseResult(file, "invalid input", tuple(str(p) for p in exc.problems)))
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


def cmd_rules_lint(args: argparse.Namespace, rules: Rules) -> int:
    check_access_policy(args.rules)     # the app's roles file is a rule file too: located errors, exit 2
    issues = lint(rules.book, rules.tables)
    if args.json:
        sys.stdout.write(_dump([{"where": i.where, "ruleset": i.ruleset, "rule": i.rule, "message": i.message}
                                for i in issues]))
    else:
        sys.stdout.write("".join(f"{i}\n" for i in issues))
        sets = len(rules.book.sets)
        count = sum(len(s.rules) for s in rules.book.sets)
        sys.stdout.write(f"{sets} rule sets, {count} rules and rows: {len(issues)} problem"
                         f"{'s' if len(issues) != 1 else ''} (rules {rules.version})\n")
    return 1 if issues else 0


def check_access_policy(rules_dir: Path | None) -> None:
    """rules/vocabularies/app-roles.yaml read as the app reads it, but every problem located (the app's own
    loader is in engine/services/access.py); InputError naming the file and line otherwise."""
    path = (rules_dir or default_rules_dir()) / POLICY_FILE
    if not path.exists():
        raise InputError([Problem(str(path), (), "rule file is missing")])
    data, lines = parse_rule_file(path)
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), (), "must be a mapping (version, permissions, ...), "
                                  f"not {type(data).__name__}", 1)])
    _, problems = build(AccessPolicy, data, str(path), lines)
    if problems:
        raise InputError(problems)


def cmd_rules_test(args: argparse.Namespace, rules: Rules) -> int:
    results = run_examples(rules.book)
    if args.json:
        sys.stdout.write(_dump([{"ruleset": r.ruleset, "rule": r.rule, "example": r.number, "passed": r.passed,
                                 "problem": r.problem} for r in results]))
    else:
        for r in results:
            if not r.passed or args.verbose:
                sys.stdout.write(f"{'PASS' if r.passed else 'FAIL'}  {r.rule} example {r.number}"
                                 f"{'' if r.passed else f' ({r.where}): {r.problem}'}\n")
        failed = sum(not r.passed for r in results)
        sys.stdout.write(f"{len(results) - failed} passed, {failed} failed\n")
    return 0 if all(r.passed for r in results) else 1


def cmd_rules_facts(args: argparse.Namespace, rules: Rules) -> int:
    if args.markdown:
        sys.stdout.write(catalogue_markdown())
    else:
        sys.stdout.write(_dump([{"name": f.name, "scope": f.scope, "type": f.type, "optional": f.optional,
                                 "description": f.description, "words": FACTS.words(f, rules.tables)}
                                for f in FACTS.values()]))
    return 0


def cmd_rules_list(args: argparse.Namespace, rules: Rules) -> int:
    for s in rules.book.sets:
        sys.stdout.write(f"{s.name} ({s.scope}, {s.policy}, {s.stage}): {s.title}\n")
        for r in s.rules:
            until = f" to {r.in_force.to}" if r.in_force.to else ""
            sys.stdout.write(f"  {r.id}: {r.title} [from {r.in_force.from_}{until}; {'; '.join(r.source)}]\n")
    return 0


def cmd_oh(args: argparse.Namespace, rules: Rules) -> int:
    case = load_case(Path(args.case), rules.tables, args.on)
    report = assess(case, rules, args.on or case.assessed_on or date.today())
    if args.oh_command == "report":
        section = report["occupational_health"]
        titles = {n: need.title for n, need in rules.tables.needs.items()}
        sys.stdout.write(_dump(section) if args.json else oh_report_text(report["case_id"], section, titles,
                                                                                      rules.oh))
        return 0
    summary = manager_summary(report, case.role.title, rules.oh)
    if args.oh_command == "passport":
        return _write_passport(passport_html(summary), args.out)
    if args.json:
        sys.stdout.write(_dump(summary))
    elif args.html:
        sys.stdout.write(summary_html(summary))
    else:
        sys.stdout.write(summary_text(summary))
    return 0


def _write_passport(page: str, out: Path | None) -> int:
    if out is None:
        if sys.stdout.isatty():
            sys.stderr.write("fairchance: the passport is an HTML page; give --out FILE.html to save it\n")
            return EXIT_INVALID
        sys.stdout.write(page)
        return 0
    out.write_text(page, encoding="utf-8")
    sys.stderr.write(f"Saved the adjustment passport to {out}\n")
    return 0


def _oh_parsers(sub: argparse._SubParsersAction) -> None:
    oh = sub.add_parser("oh", help="occupational health: the clinician's report, the manager's summary, the passport")
    osub = oh.add_subparsers(dest="oh_command", required=True)
    for name, text in (("report", "the clinician's OH report (everything; clinical)"),
                       ("summary", "the manager's summary: outcome, adjustments, review date, contact"),
                       ("passport", "the adjustment passport as a printable HTML page (--out FILE)")):
        p = osub.add_parser(name, help=text)
        p.add_argument("case", help="path to the case file")
        p.add_argument("--on", type=iso_date, help="assess as at this date (YYYY-MM-DD)")
        if name == "summary":
            form = p.add_mutually_exclusive_group()
            form.add_argument("--json", action="store_true", help="as JSON")
            form.add_argument("--html", action="store_true", help="as HTML")
        elif name == "report":
            p.add_argument("--json", action="store_true", help="the raw section as JSON")
        else:
            p.add_argument("--out", type=Path, help="save the printable page to this HTML file")
        p.set_defaults(func=cmd_oh)


def _rules_parsers(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="the rule files: lint, test their examples, list them, the fact catalogue")
    rsub = rules.add_subparsers(dest="rules_command", required=True)
    lint_p = rsub.add_parser("lint", help="check the rule files; exit 1 on any problem")
    lint_p.add_argument("--json", action="store_true", help="print the problems as JSON")
    lint_p.set_defaults(func=cmd_rules_lint)
    test_p = rsub.add_parser("test", help="run every rule's inline examples")
    test_p.add_argument("--json", action="store_true", help="print the results as JSON")
    test_p.add_argument("--verbose", action="store_true", help="list passing examples too")
    test_p.set_defaults(func=cmd_rules_test)
    facts_p = rsub.add_parser("facts", help="the fact catalogue rules may read")
    facts_p.add_argument("--markdown", action="store_true", help="as the Markdown page in docs/")
    facts_p.set_defaults(func=cmd_rules_facts)
    rsub.add_parser("list", help="every rule set and rule with its source and dates").set_defaults(
        func=cmd_rules_list)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fairchance", description="Fair recruitment decisions: which criminal "
                                  "records may lawfully be considered, explained and sourced.")
    top.add_argument("--rules", type=Path, help="the rules directory (default: the project's rules/)")
    sub = top.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess a case file (YAML or JSON)")
    a.add_argument("case", help="path to the case file")
    a.add_argument("--on", type=iso_date, help="assess as at this date (YYYY-MM-DD), overriding assessed_on")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    a.add_argument("--brief", action="store_true", help="the recommendation and one line a record")
    a.add_argument("--letter", action="store_true", help="print the letter to the applicant")
    a.add_argument("--engine", choices=ENGINES, default="native",
                   help="the rule evaluator: native (default, with the full trace) or durable (durable_rules)")
    a.set_defaults(func=cmd_assess)
    s = sub.add_parser("schema", help="print the JSON Schema of a case file")
    s.set_defaults(func=cmd_schema)
    cb = sub.add_parser("casebank", help="the casebank of cases with expected outcomes")
    cbs = cb.add_subparsers(dest="casebank_command", required=True)
    check = cbs.add_parser("check", help="run every casebank case and compare with its expectations")
    check.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "casebank"))
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--engine", choices=ENGINES, default="native", help="the rule evaluator to use")
    check.set_defaults(func=cmd_casebank_check)
    _rules_parsers(sub)
    _oh_parsers(sub)
    add_audit_parsers(sub)
    add_store_parsers(sub)
    return top


def main(argv: list[str] | None = None, rules: Rules | None = None) -> int:
    """`rules`: the rules already loaded (the fuzz tests run thousands of commands on one load)."""
    args = parser().parse_args(argv)
    try:
        return args.func(args, rules or load_rules(args.rules))
    except (DurableUnavailable, EvaluationError) as exc:
        sys.stderr.write(f"fairchance: {exc}\n")
        return EXIT_INVALID
    except InputError as exc:
        sys.stderr.write(f"fairchance: invalid input ({len(exc.problems)} problem"
                         f"{'s' if len(exc.problems) != 1 else ''}):\n{exc}\n")
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
