"""Mutated case files and rule directories, and a runner that classifies how each run of the command ends.

Shared by tests/test_fuzz.py (a few thousand mutations, fixed seed, in `make test`) and
benchmarks/fuzz_cases.py (a larger run that prints the counts). Every run goes through
engine.cli.main.main, the `fairchance` command itself, with the rules loaded once and passed in.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import resource
import signal
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.cli.main import main
from engine.report.rulebase import Rules

OUTCOMES = ("report", "located error", "unlocated error", "traceback", "timeout", "over memory")
MEMORY_LIMIT_MB = 256


class _Timeout(Exception):
    pass


@dataclass(frozen=True)
class Run:
    outcome: str
    mutation: str
    detail: str


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # KiB on Linux


def run_command(argv: list[str], where: Path, rules: Rules | None, seconds: float) -> tuple[str, str]:
    """Run `fairchance argv` in-process; the outcome and the first lines of what it printed or raised.
    An error is located when every problem line names `where` (the case file, or the rules directory)."""
    out, err = io.StringIO(), io.StringIO()
    before = _maxrss_mb()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv, rules)
    except _Timeout:
        return "timeout", ""
    except BaseException:
        return "traceback", traceback.format_exc(limit=-3)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if _maxrss_mb() - before > MEMORY_LIMIT_MB:
        return "over memory", f"{_maxrss_mb() - before:.0f} MB"
    text = err.getvalue()
    if code == 0:
        return "report", ""
    if code == 2 and _located(text, where):
        return "located error", ""
    return "unlocated error", f"exit {code}: {text[:300]}"


def _located(stderr: str, file: Path) -> bool:
    """Every problem line names the file (and its line where the problem has one)."""
    problems = [line for line in stderr.splitlines()[1:] if line.strip()]
    return bool(problems) and all(str(file) in line for line in problems)


# --- case mutations ---------------------------------------------------------------------------------------

FAR = ["0001-01-01", "9999-12-31", "2021-02-30", "2023-13-01", "1899-12-31", "2200-01-01", "1900-01-01"]
ODD = [None, True, False, 0, -1, 10**12, 10**5000 if False else 2**70, 1.5, float("inf"), "", "x" * 20000, [], {},
       [1, 2], {"a": 1}, "2021-02-30", "running", "none", "until_further_order", "\u202eevil", "\x1b[31mred"]


def _paths(data: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, path + (i,))


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _delete(data: Any, path: tuple) -> Any:
    if path:
        parent = _get(data, path[:-1])
        del parent[path[-1]]
    return data


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)


def _data_mutation(rng: random.Random, data: dict) -> tuple[str, str]:
    paths = [p for p in _paths(data) if p]
    path = rng.choice(paths)
    kind = rng.choice(["delete", "wrong type", "far date", "length", "long string", "list for mapping",
                       "records", "deep", "add unknown"])
    if kind == "delete":
        _delete(data, path)
    elif kind == "wrong type":
        _set(data, path, rng.choice(ODD))
    elif kind == "far date":
        text = _dump(data)
        old = rng.choice(["2026-11-22", "2020-01-01", "1990-", "date: 20"])
        return kind, text.replace(old, rng.choice(FAR)[: len(old)] if old.endswith("-") else rng.choice(FAR), 1)
    elif kind == "length":
        unit = rng.choice(["days", "weeks", "months", "years"])
        amount = rng.choice([0, -5, 9999, 10**12, "HUGE_INT", True, 2.5, "3"])
        _set(data, path, {unit: amount})
        if rng.random() < 0.5:
            for record in data.get("records") or []:
                for s in (record.get("sentences") or []) if isinstance(record, dict) else []:
                    if isinstance(s, dict):
                        s["length"] = {unit: amount}
    elif kind == "long string":
        _set(data, path, rng.choice(["x" * rng.choice([300, 20000, 900000]), "\u202e" * 50, "a\x00b", "\ud800"]))
    elif kind == "list for mapping":
        _set(data, path, [_get(data, path)])
    elif kind == "records":
        records = data.get("records") or [{"id": "R1", "kind": "conviction", "date": "2020-01-01",
                                           "sentences": [{"type": "fine"}]}]
        n = rng.choice([50, 101, 3000])
        data["records"] = [dict(records[i % len(records)], id=f"R{i}") if isinstance(records[i % len(records)],
                                                                                     dict) else i for i in range(n)]
    elif kind == "deep":        # written as text: the dumpers themselves recurse
        n = rng.choice([40, 500, 5000])
        deep = "[" * n + "1" + "]" * n if rng.random() < 0.5 else "{a: " * n + "1" + "}" * n
        return kind, _dump(_set(data, path, "DEEP_VALUE")).replace("DEEP_VALUE", deep, 1)
    else:
        parent = _get(data, path[:-1]) if path[:-1] else data
        if isinstance(parent, dict):
            parent["unexpected_field"] = 1
    try:
        return kind, _dump(data).replace("HUGE_INT", "9" * 4400)   # written as text: too long to convert
    except (ValueError, RecursionError, UnicodeEncodeError):   # surrogates and the like: write raw text
        return kind, json.dumps(data, default=str)[:2_000_000]


def _text_mutation(rng: random.Random, text: str) -> tuple[str, bytes]:
    kind = rng.choice(["bytes", "duplicate key", "alias bomb", "empty", "truncate", "deep text", "anchor loop",
                       "tabs", "json"])
    raw = text.encode("utf-8")
    if kind == "bytes":
        at = rng.randrange(len(raw))
        return kind, raw[:at] + bytes(rng.choice([[0xff], [0xc3, 0x28], [0x00], [0x1b], [0xed, 0xa0, 0x80]])) + raw[at:]
    if kind == "duplicate key":
        lines = text.splitlines()
        i = rng.randrange(len(lines))
        return kind, "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1:]).encode()
    if kind == "alias bomb":
        bomb = 'lol0: &a0 ["x","x","x","x","x","x","x","x","x"]\n'
        for i in range(1, rng.choice([5, 9, 20])):
            bomb += f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]\n"
        return kind, (text + bomb).encode()
    if kind == "empty":
        return kind, rng.choice([b"", b"\n", b"---\n", b"null\n", b"[]\n", b"42\n", b"~"])
    if kind == "truncate":
        return kind, raw[: rng.randrange(len(raw))]
    if kind == "deep text":
        n = rng.choice([100, 999, 20000])
        return kind, (text + "extra: " + "[" * n + "]" * n + "\n").encode()
    if kind == "anchor loop":
        return kind, (text + "loop: &loop [*loop]\n").encode()
    if kind == "tabs":
        return kind, text.replace("  ", "\t", 3).encode()
    data = yaml.safe_load(text)
    return kind, json.dumps(data, default=str).encode()


def case_mutations(sources: list[Path], count: int, seed: int) -> Iterator[tuple[str, str, bytes]]:
    """(mutation, suffix, content) for `count` mutated case files drawn from `sources`."""
    rng = random.Random(seed)
    for _ in range(count):
        source = rng.choice(sources)
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        data.pop("expect", None)
        if rng.random() < 0.6:
            kind, text = _data_mutation(rng, data)
            content = text.encode("utf-8", errors="surrogatepass")
        else:
            kind, content = _text_mutation(rng, _dump(data))
        suffix = ".json" if kind == "json" or (content[:1] == b"{" and rng.random() < 0.5) else ".yaml"
        yield kind, suffix, content


def fuzz_cases(sources: list[Path], count: int, seed: int, workdir: Path, rules: Rules, seconds: float = 10,
               on_run: Callable[[Run], None] | None = None) -> Counter:
    counts: Counter = Counter()
    for index, (kind, suffix, content) in enumerate(case_mutations(sources, count, seed)):
        file = workdir / f"case-{index}{suffix}"
        file.write_bytes(content)
        outcome, detail = run_command(["assess", str(file), "--json"], file, rules, seconds)
        counts[outcome] += 1
        if on_run:
            on_run(Run(outcome, kind, f"{file}: {detail}"))
        file.unlink()
    return counts


# --- rule-file mutations ----------------------------------------------------------------------------------

def _rule_text_mutation(rng: random.Random, text: str) -> tuple[str, bytes]:
    kind = rng.choice(["bytes", "duplicate key", "alias bomb", "empty", "truncate", "deep text", "delete line",
                       "swap value", "in force backwards", "list for mapping", "anchor loop"])
    lines = text.splitlines()
    if kind == "delete line" and lines:
        del lines[rng.randrange(len(lines))]
        return kind, "\n".join(lines).encode()
    if kind == "swap value" and lines:
        i = rng.randrange(len(lines))
        if ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(['~', '[]', '{}', '-1', '2021-02-30', 'yes', '99999999999', 'x' * 500])}"
        return kind, "\n".join(lines).encode()
    if kind == "in force backwards":
        return kind, text.replace("in_force: {from: ", "in_force: {to: 1970-01-01, from: ", 1).encode()
    if kind == "list for mapping":
        return kind, ("- " + "\n  ".join(lines) + "\n").encode()
    return _text_mutation(rng, text) if kind != "anchor loop" else (kind, (text + "\nloop: &l [*l]\n").encode())


def rule_mutations(rules_dir: Path, count: int, seed: int) -> Iterator[tuple[str, Path, bytes]]:
    """(mutation, file relative to rules/, content) for `count` single-file corruptions."""
    rng = random.Random(seed)
    files = sorted(p.relative_to(rules_dir) for p in rules_dir.rglob("*.yaml"))
    for _ in range(count):
        rel = rng.choice(files)
        kind, content = _rule_text_mutation(rng, (rules_dir / rel).read_text(encoding="utf-8"))
        yield kind, rel, content


def fuzz_rules(rules_copy: Path, count: int, seed: int, seconds: float = 30,
               on_run: Callable[[Run], None] | None = None) -> Counter:
    """Corrupt one file of the copy at a time, run `fairchance --rules <copy> rules lint`, restore it."""
    counts: Counter = Counter()
    for kind, rel, content in rule_mutations(rules_copy, count, seed):
        target = rules_copy / rel
        original = target.read_bytes()
        target.write_bytes(content)
        try:
            outcome, detail = run_command(["--rules", str(rules_copy), "rules", "lint"], rules_copy, None, seconds)
        finally:
            target.write_bytes(original)
        if outcome == "unlocated error" and detail.startswith("exit 1"):
            outcome = "located error"       # lint found problems in a file that loads: each names its rule
        counts[outcome] += 1
        if on_run:
            on_run(Run(outcome, kind, f"{rel}: {detail}"))
    return counts
