"""`fairchance users add|list|disable` and `fairchance db upgrade`: the store's command line."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from engine.report.rulebase import Rules
from engine.store import ROLES, Store, StoreError, open_store
from engine.store.db import DEFAULT_URL, ENV_URL, resolve_url

EXIT_INVALID = 2
Handler = Callable[[argparse.Namespace, Store], int]


def _with_store(handler: Handler, must_exist: bool = True,
                needs_password: bool = False) -> Callable[[argparse.Namespace, Rules], int]:
    """Open the store for the command; a refused write, a bad URL or (unless the command creates the store)
    a missing store is one clear line and exit 2. A password is read before the store is opened, so that a
    command that cannot get one leaves nothing behind."""

    def run(args: argparse.Namespace, rules: Rules) -> int:
        try:
            if needs_password:
                args.password = _password(args)
            store = open_store(args.db, must_exist=must_exist)
            try:
                return handler(args, store)
            finally:
                store.close()
        except StoreError as exc:
            sys.stderr.write(f"fairchance: {exc}\n")
            return EXIT_INVALID

    return run


def _password(args: argparse.Namespace) -> str:
    """From the first line of stdin (--password-stdin), or asked twice at the terminal. Without a terminal
    getpass would fall back to reading stdin with a warning, and die at its end: refuse plainly instead."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise StoreError("password: there is no terminal to ask for it; pipe it in with --password-stdin")
    try:
        first = getpass.getpass(f"password for {args.username}: ")
        again = getpass.getpass("again: ")
    except (EOFError, KeyboardInterrupt) as exc:
        raise StoreError("password: no password was entered") from exc
    if again != first:
        raise StoreError("password: the two entries differ")
    return first


def cmd_users_add(args: argparse.Namespace, store: Store) -> int:
    user = store.add_user(args.username, args.password, args.role, args.display_name, args.actor)
    sys.stdout.write(f"added {user.username} ({user.role})\n")
    return 0


def _user_json(user: Any) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "display_name": user.display_name,
            "active": user.active, "created_at": user.created_at.isoformat()}


def cmd_users_list(args: argparse.Namespace, store: Store) -> int:
    users = store.list_users()
    if args.json:
        sys.stdout.write(json.dumps([_user_json(u) for u in users], indent=2) + "\n")
        return 0
    for u in users:
        state = "active" if u.active else "disabled"
        sys.stdout.write(f"{u.username}\t{u.role}\t{state}\t{u.display_name or ''}\n")
    return 0


def cmd_users_disable(args: argparse.Namespace, store: Store) -> int:
    store.disable_user(args.username, args.actor)
    sys.stdout.write(f"disabled {args.username}\n")
    return 0


def cmd_users_role(args: argparse.Namespace, store: Store) -> int:
    user = store.set_role(args.username, args.role, args.actor)
    sys.stdout.write(f"{user.username} is now {user.role}\n")
    return 0


def cmd_users_password(args: argparse.Namespace, store: Store) -> int:
    store.set_password(args.username, args.password, args.actor)
    sys.stdout.write(f"password of {args.username} changed\n")
    return 0


def cmd_db_upgrade(args: argparse.Namespace, store: Store) -> int:
    sys.stdout.write(f"{resolve_url(args.db)}: schema at revision {store.schema_revision()}\n")  # opening migrated
    return 0


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"database URL (default: ${ENV_URL}, else {DEFAULT_URL}); "
                                f"postgresql+psycopg://user@host/db for PostgreSQL")


def _users_parsers(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="the panel app's users: add, list, disable, role, password")
    usub = users.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="add a user (password prompted, or read from stdin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES, help="the user's role in the app")
    add.add_argument("--display-name", help="the name shown in the app")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    listing = usub.add_parser("list", help="list the users")
    listing.add_argument("--json", action="store_true", help="as JSON")
    disable = usub.add_parser("disable", help="disable a user (kept, for the audit trail)")
    disable.add_argument("username")
    role = usub.add_parser("role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=ROLES, help="the new role")
    password = usub.add_parser("password", help="set a user's password (prompted, or read from stdin)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true",
                          help="read the password from the first line of stdin")
    for p, handler in ((add, cmd_users_add), (listing, cmd_users_list), (disable, cmd_users_disable),
                       (role, cmd_users_role), (password, cmd_users_password)):
        _db_option(p)
        if p is not listing:
            p.add_argument("--actor", default="cli", help="the username recorded as doing this (default: cli)")
        # Adding a user may create the store (a new installation); the others need an existing one.
        p.set_defaults(func=_with_store(handler, must_exist=p is not add, needs_password=p in (add, password)))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    _users_parsers(sub)
    db = sub.add_parser("db", help="the decision store's database")
    dsub = db.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    _db_option(up)
    up.set_defaults(func=_with_store(cmd_db_upgrade, must_exist=False))
