"""Seed a store with the synthetic demo cases and one demo account per role (used by `make run`).

Idempotent: a re-run adds only what is missing (a changed demo file becomes a new case version, a
case not yet evaluated under the current rules is evaluated again). Everything here is synthetic.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.case.loader import read_document
from engine.report.rulebase import Rules, load_rules
from engine.store import Store, open_store
from engine.store.chain import canonical, sha256
from engine.store.keys import ANCHOR_SUFFIX
from engine.store.service import evaluate_case, submit_case

DEMO_DIR = Path(__file__).resolve().parents[2] / "casebank" / "demo"
DEFAULT_DB = Path("var/demo.db")
ACTOR = "demo-seed"
DECIDED_CASE = "C-DEMO-005"     # decided by the demo panel, so the auditor's history is not empty


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    display_name: str


ACCOUNTS = (
    DemoAccount("demo-member", "demo-member-pass", "panel_member", "Demo panel member (HR)"),
    DemoAccount("demo-peer", "demo-peer-pass", "panel_member", "Demo panel member (peer worker)"),
    DemoAccount("demo-chair", "demo-chair-pass", "panel_chair", "Demo panel chair (general manager)"),
    DemoAccount("demo-oh", "demo-oh-pass", "oh_clinician", "Demo OH clinician"),
    DemoAccount("demo-auditor", "demo-auditor-pass", "auditor", "Demo auditor"),
    DemoAccount("demo-steward", "demo-steward-pass", "rules_steward", "Demo rules steward"),
)


def seed_accounts(store: Store) -> int:
    added = 0
    for a in ACCOUNTS:
        if store.get_user(a.username) is None:
            store.add_user(a.username, a.password, a.role, a.display_name, actor=ACTOR)
            added += 1
    return added


def seed_case(store: Store, rules: Rules, file: Path) -> bool:
    """Store and evaluate one demo file if it is new or changed; True if anything was written."""
    data, _ = read_document(file)
    known = {c.case_id for c in store.list_cases()}
    wrote = False
    if data["case_id"] not in known or store.case_version(data["case_id"]).content_hash != sha256(canonical(data)):
        submit_case(store, rules, data, ACTOR, f"synthetic demo case from {file.name}", str(file))
        wrote = True
    latest = store.case_version(data["case_id"])
    if not any(e.version == latest.version and e.rules_version == rules.version
               for e in store.evaluations(data["case_id"])):
        evaluate_case(store, rules, data["case_id"], ACTOR)
        wrote = True
    return wrote


def seed_decision(store: Store) -> bool:
    """The demo panel's decision on one case: HR and peer worker views, and the chair (general manager) agreeing."""
    if store.decisions(DECIDED_CASE):
        return False
    evaluation = store.evaluations(DECIDED_CASE)[-1]
    for member, panel_role in (("demo-member", "hr"), ("demo-peer", "peer_worker")):
        store.record_member_view(evaluation.id, member, panel_role, evaluation.outcome,
                                 "Nothing on the certificate; no concerns for the role.", actor=member)
    store.record_decision(evaluation.id, "demo-chair", evaluation.outcome, True,
                          "Nothing to weigh: the certificate was clear and the role needs a standard check.",
                          date.fromisoformat(str(evaluation.as_at)), None, actor="demo-chair",
                          chair_role="general_manager")
    return True


def seed(store: Store, rules: Rules, demo_dir: Path = DEMO_DIR) -> dict[str, int]:
    files = sorted(demo_dir.glob("*.yaml"))
    return {"accounts added": seed_accounts(store),
            "cases written": sum(seed_case(store, rules, f) for f in files),
            "decisions added": int(seed_decision(store)), "demo cases": len(files)}


def accounts_text() -> str:
    width = max(len(a.username) for a in ACCOUNTS)
    rows = [f"  {a.username.ljust(width)}  {a.password.ljust(18)}  {a.role.replace('_', ' ')}" for a in ACCOUNTS]
    return "Demo accounts (synthetic demo data; sign in with one of these):\n" + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.services.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"SQLite file (default {DEFAULT_DB})")
    args = parser.parse_args(argv)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():   # a new demo store: an anchor left from a removed one would not match it
        args.db.with_name(args.db.name + ANCHOR_SUFFIX).unlink(missing_ok=True)
    store = open_store(f"sqlite:///{args.db}")
    try:
        counts = seed(store, load_rules())
    finally:
        store.close()
    sys.stdout.write(f"Demo store {args.db}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "\n\n")
    sys.stdout.write(accounts_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
