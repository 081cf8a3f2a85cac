"""The audit commands: verify the chain, replay, the audit report, the auditors' export, retention."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from engine.cli.args import iso_date
from engine.report.rulebase import Rules
from engine.services.words import chart_names
from engine.store import Store, StoreError, open_store
from engine.store.audit_report import build_audit_report, report_json, write_audit_report
from engine.store.db import resolve_url
from engine.store.export import export_store
from engine.store.keys import rotate as rotate_key
from engine.store.replay import MODES, ReplayResult, replay, write_diff
from engine.store.retention import apply_retention

EXIT_INVALID = 2
SHOWN = 20   # rows listed on the terminal; the diff table has them all
Handler = Callable[[argparse.Namespace, Rules], int]


def _dump(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _with_store(run: Callable[[argparse.Namespace, Rules, Store], int]) -> Handler:
    """Open the existing store named by --db for the command (a missing store is an error, never a new
    empty one), close it after, and report store errors plainly."""
    def handler(args: argparse.Namespace, rules: Rules) -> int:
        try:
            store = open_store(args.db, must_exist=True)
        except StoreError as exc:
            sys.stderr.write(f"fairchance: {exc}\n")
            return EXIT_INVALID
        try:
            return run(args, rules, store)
        except StoreError as exc:
            sys.stderr.write(f"fairchance: {exc}\n")
            return EXIT_INVALID
        finally:
            store.close()
    return handler


def cmd_verify(args: argparse.Namespace, rules: Rules, store: Store) -> int:
    status = store.verify_chain()
    if args.json:
        _dump({"ok": status.ok, "events": status.events, "first_broken": status.first_broken,
               "reason": status.reason, "problems": list(status.problems), "anchor": str(store.anchor_file)})
    elif status.ok:
        sys.stdout.write(f"audit chain verifies: {status.events} events, keyed, matching the anchor "
                         f"{store.anchor_file}; every guard trigger in place\n")
    else:
        where = f"event {status.first_broken}" if status.first_broken is not None else "a stored row"
        sys.stdout.write(f"audit chain broken at {where}: {status.reason}\n")
        sys.stdout.write("".join(f"  also: {p}\n" for p in status.problems[1:]))
    return 0 if status.ok else 1


def cmd_rotate_key(args: argparse.Namespace, rules: Rules) -> int:
    try:
        path, kid = rotate_key(resolve_url(args.db))
    except StoreError as exc:
        sys.stderr.write(f"fairchance: {exc}\n")
        return EXIT_INVALID
    sys.stdout.write(f"new current audit key {kid} appended to {path}; the earlier keys stay to verify old events\n")
    return 0


def _replay_summary(result: ReplayResult, files: tuple[Path, Path]) -> dict[str, Any]:
    listed = [r for r in result.rows if r.status not in ("reproduced", "unchanged")]
    return {"mode": result.mode, "since": result.since, "evaluations": len(result.rows), "counts": result.counts(),
            "seconds": round(result.seconds, 3), "per_second": round(result.per_second, 1),
            "files": [str(f) for f in files],
            "rows": [{"evaluation_id": r.evaluation_id, "case_id": r.case_id, "version": r.version,
                      "status": r.status, "outcome_then": r.outcome_then, "outcome_now": r.outcome_now,
                      "paths": list(r.paths), "message": r.message} for r in listed]}


def cmd_replay(args: argparse.Namespace, rules: Rules, store: Store) -> int:
    result = replay(store, args.replay_rules, args.since, args.rules, progress=True, workers=args.workers)
    files = write_diff(result, args.out or Path("var/audit") / f"replay-{args.replay_rules}")
    summary = _replay_summary(result, files)
    if args.json:
        _dump(summary)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(summary["counts"].items())) or "nothing stored"
        sys.stdout.write(f"replayed {len(result.rows)} evaluations ({args.replay_rules}) in {result.seconds:.1f} s, "
                         f"{result.per_second:.0f} a second: {counts}\n")
        for row in summary["rows"][:SHOWN]:
            then_now = f"{row['outcome_then']} -> {row['outcome_now']}" if row["outcome_now"] else row["outcome_then"]
            detail = row["message"] or "; ".join(row["paths"][:5])
            sys.stdout.write(f"  {row['status']}: evaluation {row['evaluation_id']} ({row['case_id']} "
                             f"v{row['version']}, {then_now}): {detail}\n")
        if len(summary["rows"]) > SHOWN:
            sys.stdout.write(f"  ... and {len(summary['rows']) - SHOWN} more in the diff table\n")
        sys.stdout.write(f"diff table: {files[0]}, {files[1]}\n")
    return 1 if result.defects else 0


def cmd_report(args: argparse.Namespace, rules: Rules, store: Store) -> int:
    report = build_audit_report(store)
    written = write_audit_report(report, args.out, chart_names(rules))   # charts in words, tables as codes
    if args.json:
        _dump(report_json(report) | {"files": [str(p) for p in written]})
    else:
        sys.stdout.write(f"audit report: {report.cases} cases, {report.evaluations} evaluations, "
                         f"{report.decisions} decisions\n")
        sys.stdout.write("".join(f"  {p}\n" for p in written))
    return 0


def cmd_export(args: argparse.Namespace, rules: Rules, store: Store) -> int:
    result = export_store(store, args.out, args.salt, args.with_rationales)
    if result.salt_generated:
        sys.stdout.write(f"salt (generated; keep it secret and apart from the export): {result.salt}\n")
    sys.stdout.write("".join(f"  {name}: {n} rows\n" for name, n in result.rows.items()))
    sys.stdout.write(f"written to {args.out} ({len(result.files)} files, CSV and Parquet)\n")
    return 0


def cmd_retention(args: argparse.Namespace, rules: Rules, store: Store) -> int:
    result = apply_retention(store, args.today or date.today(), args.actor, args.dry_run, args.rules)
    verb = "would remove" if result.dry_run else "removed"
    sys.stdout.write(f"retention ({result.policy}: {result.keep_months} months after the decision, as at "
                     f"{result.today}): {verb} {result.case_payloads} case payloads and {result.report_payloads} "
                     f"report payloads from {len(result.removed)} cases\n")
    sys.stdout.write("".join(f"  {r.case_id} (decided {r.decided_on}): case versions "
                             f"{list(r.case_versions)}, evaluations {list(r.evaluations)}\n" for r in result.removed))
    return 0


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="the store's database URL (default: $FAIRCHANCE_DB, else sqlite:///var/fairchance.db)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="the audit trail: verify the chain, replay, the audit report, the export")
    asub = audit.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser("verify", help="check the audit chain; exit 1 naming the first broken link")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.set_defaults(func=_with_store(cmd_verify))
    r = asub.add_parser("replay", help="re-evaluate stored cases; exit 1 if at-decision finds any defect")
    r.add_argument("--since", type=iso_date, help="only evaluations recorded on or after this date (YYYY-MM-DD)")
    r.add_argument("--rules", dest="replay_rules", choices=MODES, default="at-decision",
                   help="the rules then in force (default; must reproduce every report) or today's rules")
    r.add_argument("--out", type=Path, help="the diff table's path without suffix (default var/audit/replay-MODE)")
    r.add_argument("--workers", type=int, default=2, help="processes evaluating in parallel (default 2)")
    r.add_argument("--json", action="store_true", help="print the summary and the rows that differ as JSON")
    r.set_defaults(func=_with_store(cmd_replay))
    rep = asub.add_parser("report", help="outcomes, override rates, rules fired, time to decision, consistency")
    rep.add_argument("--out", type=Path, default=Path("var/audit/report"), help="folder (default var/audit/report)")
    rep.add_argument("--json", action="store_true", help="print the tables as JSON")
    rep.set_defaults(func=_with_store(cmd_report))
    e = asub.add_parser("export", help="a pseudonymised export for auditors (CSV and Parquet)")
    e.add_argument("--out", type=Path, required=True, help="the folder to write to")
    e.add_argument("--salt", help="the pseudonyms' secret salt (default: a new one, printed)")
    e.add_argument("--with-rationales", action="store_true",
                   help="include the panel's free text (rationales, comments, reasons, access purposes)")
    e.set_defaults(func=_with_store(cmd_export))
    k = asub.add_parser("rotate-key", help="append a new current audit key to the key file (old keys kept)")
    k.set_defaults(func=cmd_rotate_key)
    for p in (v, r, rep, e, k):
        _db(p)
    ret = sub.add_parser("retention", help="retention of certificate detail (rules/policy/retention.yaml)")
    rsub = ret.add_subparsers(dest="retention_command", required=True)
    a = rsub.add_parser("apply", help="remove certificate detail older than the policy after the decision")
    a.add_argument("--today", type=iso_date, help="as at this date (default today)")
    a.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    a.add_argument("--actor", default="cli", help="the username recorded in the audit log (default cli)")
    _db(a)
    a.set_defaults(func=_with_store(cmd_retention))
