"""`fairchance users add|list|disable` and `fairchance db upgrade`, on both databases."""

from __future__ import annotations

import io
import json

import pytest

from engine.cli.main import main, parser
from engine.store import open_store


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _cli(monkeypatch, capsys, argv: list[str], stdin: str = "", tty: bool = False) -> tuple[int, str, str]:
    """The command's handler as main() calls it, less the loading of the rules it does not read; `tty`: as if
    typed at a terminal."""
    monkeypatch.setattr("sys.stdin", (_Terminal if tty else io.StringIO)(stdin))
    args = parser().parse_args(argv)
    code = args.func(args, None)
    out, err = capsys.readouterr()
    return code, out, err


def test_users_add_list_disable(store_url, monkeypatch, capsys):
    code, out, _ = _cli(monkeypatch, capsys, ["users", "add", "demo-chair", "--role", "panel_chair",
                                              "--display-name", "Demo Chair", "--password-stdin",
                                              "--db", store_url], "correct horse battery\n")
    assert (code, out) == (0, "added demo-chair (panel_chair)\n")
    code, out, _ = _cli(monkeypatch, capsys, ["users", "list", "--json", "--db", store_url])
    listed = json.loads(out)
    assert code == 0 and [(u["username"], u["role"], u["display_name"], u["active"]) for u in listed] == [
        ("demo-chair", "panel_chair", "Demo Chair", True)]
    store = open_store(store_url)
    try:
        assert store.authenticate("demo-chair", "correct horse battery") is not None
        assert _cli(monkeypatch, capsys, ["users", "disable", "demo-chair", "--db", store_url])[0] == 0
        assert store.authenticate("demo-chair", "correct horse battery") is None
        assert [e.action for e in store.audit_events()] == ["user.add", "user.disable"]
    finally:
        store.close()
    code, out, _ = _cli(monkeypatch, capsys, ["users", "list", "--db", store_url])
    assert out == "demo-chair\tpanel_chair\tdisabled\tDemo Chair\n"


def test_password_is_prompted_twice(store_url, monkeypatch, capsys):
    answers = iter(["first try", "second try"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    add = ["users", "add", "demo-oh", "--role", "oh_clinician", "--db", store_url]
    code, _, err = _cli(monkeypatch, capsys, add, tty=True)
    assert (code, err) == (2, "fairchance: password: the two entries differ\n")
    monkeypatch.setattr("getpass.getpass", lambda prompt: "same twice")
    assert _cli(monkeypatch, capsys, add, tty=True)[0] == 0


def test_refusals_are_one_clear_line(store_url, monkeypatch, capsys):
    add = ["users", "add", "demo-chair", "--role", "panel_chair", "--password-stdin", "--db", store_url]
    assert _cli(monkeypatch, capsys, add, "pw-one\n")[0] == 0
    assert _cli(monkeypatch, capsys, add, "pw-two\n")[1:] == ("", "fairchance: username: 'demo-chair' already "
                                                                   "exists\n")
    code, _, err = _cli(monkeypatch, capsys, ["users", "disable", "demo-nobody", "--db", store_url])
    assert (code, err) == (2, "fairchance: username: no user 'demo-nobody'\n")
    code, _, err = _cli(monkeypatch, capsys, ["users", "add", "Demo Chair", "--role", "panel_chair",
                                              "--password-stdin", "--db", store_url], "pw\n")
    assert code == 2 and err.startswith("fairchance: username: expected a username")


def test_role_must_be_an_app_role(monkeypatch, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["users", "add", "demo-x", "--role", "admin", "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert exit_.value.code == 2 and "invalid choice: 'admin'" in capsys.readouterr().err


def test_db_upgrade(store_url, monkeypatch, capsys):
    assert main(["db", "upgrade", "--db", store_url]) == 0  # wired into the fairchance command
    out = capsys.readouterr().out
    assert out == f"{store_url}: schema at revision 0004_oh_release\n"
    assert _cli(monkeypatch, capsys, ["db", "upgrade", "--db", store_url])[:2] == (0, out)  # idempotent


def test_db_defaults_to_the_environment(monkeypatch, capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'env.db'}"
    monkeypatch.setenv("FAIRCHANCE_DB", url)
    expected = f"{url}: schema at revision 0004_oh_release\n"
    assert _cli(monkeypatch, capsys, ["db", "upgrade"])[:2] == (0, expected)
    assert (tmp_path / "nested" / "env.db").exists()


def test_a_bad_url_is_a_clear_error(monkeypatch, capsys):
    code, _, err = _cli(monkeypatch, capsys, ["db", "upgrade", "--db", "mysql://demo@localhost/x"])
    assert (code, err) == (2, "fairchance: db: the store runs on SQLite or PostgreSQL, not 'mysql'\n")
    code, _, err = _cli(monkeypatch, capsys, ["db", "upgrade", "--db", "not a url"])
    assert code == 2 and err.startswith("fairchance: db: 'not a url' is not a database URL")
