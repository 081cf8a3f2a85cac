"""The fairchance command line: assess, schema and casebank check, through engine.cli.main."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from engine.case.dates import uk_date
from engine.cli.main import EXIT_INVALID, main
from engine.legal.tables import load_tables
from engine.report.rulebase import load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()
DEMO = ROOT / "casebank" / "demo" / "peer-support-worker.yaml"
TABLES = load_tables()
SPENT_ON = re.compile(r"^(\d{4}-\d{2}-\d{2}|never|indefinite|when_paid)$")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def demo_data() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def report_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "assess", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def test_console_script_exists():
    script = Path(sys.executable).parent / "fairchance"
    assert script.exists(), f"the console script is not installed next to {sys.executable}"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for command in ("assess", "schema", "casebank"):
        assert command in done.stdout


def test_assess_prints_a_table(capsys):
    code, out, err = run(capsys, "assess", DEMO)
    assert code == 0, err
    data = demo_data()
    lines = out.splitlines()
    assert lines[0] == f"Case {data['case_id']}, as at {uk_date(data['assessed_on'])}"
    start = next(i for i, line in enumerate(lines) if line.startswith("Record  "))
    assert [c for c in lines[start].split("  ") if c][:3] == ["Record", "Kind", "Date"]
    table = lines[start + 1:start + 1 + len(data["records"])]
    for record in data["records"]:
        row = next((line for line in table if line.split()[:1] == [record["id"]]), None)
        assert row is not None, f"no table row for {record['id']}"
        assert RULES.tables.kinds[record["kind"]].title in row and uk_date(record["date"]) in row
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", out), "no ISO date, the legal workings included"
    assert " ?" not in out and "_" not in "\n".join(lines[:start]), "no placeholders or codes in the people's part"


def test_assess_brief_is_brief(capsys):
    code, out, err = run(capsys, "assess", DEMO, "--brief")
    assert code == 0, err
    assert out.splitlines()[3].startswith("Recommendation: ") and len(out.splitlines()) < 20
    assert "legal workings" not in out


def test_assess_json_has_every_record_field(capsys):
    report = report_json(capsys, DEMO)
    ids = [r["id"] for r in demo_data()["records"]]
    assert sorted(r["id"] for r in report["records"]) == sorted(ids)
    for r in report["records"]:
        assert SPENT_ON.match(r["spent_on"]) or r["spent_on"] is None, r
        assert r["spent"] in (True, False, None)
        assert set(r["disclosed"]) == {"basic", "standard", "enhanced"}
        assert all(v in (True, False, None) for v in r["disclosed"].values())
        assert r["protected"] in (True, False, None)
        assert r["considered"] in (True, False, None)
        assert r["reasons"], f"{r['id']} has no reasons"
        assert all(reason["text"] for reason in r["reasons"])


def test_on_overrides_the_assessment_date(capsys):
    default = report_json(capsys, DEMO)
    assert default["assessed_on"] == str(demo_data()["assessed_on"])
    later = report_json(capsys, DEMO, "--on", "2030-01-01")
    assert later["assessed_on"] == "2030-01-01"
    assert default["assessed_on"] != later["assessed_on"]


def test_bad_on_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["assess", str(DEMO), "--on", "2030-13-01"])
    assert info.value.code == 2
    assert "expected a date as YYYY-MM-DD" in capsys.readouterr().err


def test_the_same_case_as_json_gives_the_same_report(capsys, tmp_path):
    as_json = tmp_path / "peer-support-worker.json"
    as_json.write_text(json.dumps(demo_data(), default=lambda d: d.isoformat(), indent=2), encoding="utf-8")
    assert report_json(capsys, as_json) == report_json(capsys, DEMO)


MISTAKES = """\
format: case/1
case_id: C-T-0001
assessed_on: 2026-01-01
jurisdiction: scotland
applicant:
  ref: A-T001
  date_of_birth: 1990-01-01
  nickname: T
role:
  check_level: enhanced
records:
  - id: R1
    kind: conviction
    date: 1985-01-01
    sentences:
      - type: community_sentance
  - id: R1
    kind: conviction
    date: 2010-01-01
    sentences:
      - type: suspended_sentence
        length: {months: 30}
  - id: R3
    kind: conditional_caution
    date: 1989-05-01
"""

# (field path as printed, a line of the file that holds it, words the message must contain)
UNKNOWN_FIELD = ("applicant.nickname", "nickname: T", "unknown field")
CONSISTENCY = [
    ("jurisdiction", "jurisdiction: scotland", "not supported yet"),
    ("records[0].date", "date: 1985-01-01", "before the date of birth"),
    ("records[0].sentences[0].type", "type: community_sentance", "unknown sentence type 'community_sentance'"),
    ("records[1].id", "- id: R1#2", "duplicate record id 'R1'"),
    ("records[1].sentences[0].length", "length: {months: 30}", "at most 24 months"),
    ("records[2].date", "date: 1989-05-01", "before the date of birth"),
]


def _line(text: str, marker: str) -> int:
    needle, _, nth = marker.partition("#")
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[int(nth or 1) - 1]


def _assert_reported(err: str, file: Path, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert f"invalid input ({len(expected)} problems)" in err
    lines = err.splitlines()
    for field, marker, words in expected:
        prefix = f"{file}:{_line(text, marker)}: {field}: "
        hit = [line for line in lines if line.startswith(prefix)]
        assert hit, f"no problem reported as {prefix!r} in:\n{err}"
        assert words in hit[0]


def _assess_invalid(capsys, tmp_path: Path, text: str) -> tuple[Path, str]:
    file = tmp_path / "mistakes.yaml"
    file.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "assess", file)
    assert code == EXIT_INVALID == 2
    assert out == ""
    return file, err


def test_invalid_case_reports_every_problem_at_once(capsys, tmp_path):
    file, err = _assess_invalid(capsys, tmp_path, MISTAKES)
    _assert_reported(err, file, MISTAKES, [UNKNOWN_FIELD, *CONSISTENCY])


def test_unknown_field_is_reported_with_its_line(capsys, tmp_path):
    file, err = _assess_invalid(capsys, tmp_path, MISTAKES)
    assert f"{file}:{_line(MISTAKES, 'nickname: T')}: applicant.nickname: unknown field" in err


def test_unknown_sentence_type_message_lists_the_valid_types(capsys, tmp_path):
    _, err = _assess_invalid(capsys, tmp_path, MISTAKES.replace("  nickname: T\n", ""))
    line = next(line for line in err.splitlines() if "community_sentance" in line)
    listed = line.split("expected one of:", 1)[1]
    assert sorted(t.strip() for t in listed.split(",")) == sorted(TABLES.sentence_types)


def test_schema_lists_the_sentence_types(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"].startswith("fairchance case file")
    sentence = schema["$defs"]["Sentence"]
    assert sentence["properties"]["type"]["enum"] == sorted(TABLES.sentence_types)
    assert schema["$defs"]["Record"]["properties"]["kind"]["enum"] == sorted(TABLES.kinds)


CASEBANK_CASE = """\
format: case/1
case_id: CB-T-{n}
assessed_on: 2026-11-22
applicant: {{ref: A-T001, date_of_birth: 1990-04-12}}
role: {{title: Synthetic role, check_level: basic}}
records:
  - id: R1
    kind: conviction
    date: 2010-05-20
    offence_category: theft
    sentences:
      - {{type: fine}}
expect:
  title: {title}
  barred_stop: false
  records:
    R1: {{spent: {spent}}}
"""


def test_casebank_check_reports_pass_and_fail(capsys, tmp_path):
    (tmp_path / "pass.yaml").write_text(CASEBANK_CASE.format(n=1, title="A fine from 2010 is spent", spent="true"))
    (tmp_path / "fail.yaml").write_text(CASEBANK_CASE.format(n=2, title="Wrong expectation", spent="false"))
    code, out, _ = run(capsys, "casebank", "check", tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert any(re.match(r"^PASS\s+pass\.yaml\s+A fine from 2010 is spent$", line) for line in lines), out
    assert any(re.match(r"^FAIL\s+fail\.yaml\s+Wrong expectation$", line) for line in lines), out
    assert any("R1.spent: expected False, got True" in line for line in lines), out
    assert "1 passed, 1 failed" in out


def test_casebank_check_passes_when_every_case_passes(capsys, tmp_path):
    (tmp_path / "pass.yaml").write_text(CASEBANK_CASE.format(n=1, title="A fine from 2010 is spent", spent="true"))
    code, out, _ = run(capsys, "casebank", "check", tmp_path)
    assert code == 0
    assert "1 passed, 0 failed" in out


def test_report_dates_are_plain_text(capsys):
    report = report_json(capsys, DEMO)
    assert date.fromisoformat(report["assessed_on"])
    assert all(date.fromisoformat(r["date"]) for r in report["records"])


def _users(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`fairchance users ...` as a separate process with no terminal: stdin is a pipe (or /dev/null)."""
    script = Path(sys.executable).parent / "fairchance"
    return subprocess.run([str(script), "users", *argv], input=stdin, text=True, capture_output=True, timeout=120,
                          check=False, stdin=None if stdin is not None else subprocess.DEVNULL)


def test_users_add_reads_the_password_from_stdin(tmp_path):
    db = f"sqlite:///{tmp_path / 'users.db'}"
    done = _users("add", "demo-clerk", "--role", "auditor", "--password-stdin", "--db", db,
                  stdin="correct horse battery\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "added demo-clerk (auditor)\n", "")
    changed = _users("password", "demo-clerk", "--password-stdin", "--db", db, stdin="another horse battery\n")
    assert changed.returncode == 0, changed.stderr
    from engine.store import open_store

    store = open_store(db)
    try:
        assert store.authenticate("demo-clerk", "another horse battery") is not None
    finally:
        store.close()


@pytest.mark.parametrize("command", [["add", "demo-clerk", "--role", "auditor"], ["password", "demo-clerk"]])
def test_users_without_a_terminal_is_one_clean_line(tmp_path, command):
    db = tmp_path / "users.db"
    done = _users(*command, "--db", f"sqlite:///{db}")
    assert done.returncode == EXIT_INVALID
    assert done.stderr == "fairchance: password: there is no terminal to ask for it; pipe it in with --password-stdin\n"
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not db.exists()          # nothing created for a command that could not run
