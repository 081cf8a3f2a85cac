"""Input problems: each names the file, the field path, the line where known, and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

Path = tuple[str | int, ...]


def path_text(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    file: str
    path: Path
    message: str
    line: int | None = None
    column: int | None = None
    rule: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}:{rule} {path_text(self.path)}: {self.message}"


class InputError(Exception):
    """One or more problems with an input file; all of them, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, str(p.path), p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
