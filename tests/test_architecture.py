"""The architecture as a contract (docs/architecture.md): `lint-imports` keeps the layers of pyproject.toml,
and breaks when a forbidden import or a cycle is planted in a copy of the package. The panel app is not a
package import-linter can read, so its imports are held here to the engine's entry points."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# What the panel app may import of the engine: the services, the loaded rules, the store, and three
# helpers for values it shows or reads (dates, problems with their positions, YAML with lines).
APP_ENTRY_POINTS = {"engine.services", "engine.services.access", "engine.report.rulebase", "engine.store",
                    "engine.case.dates", "engine.files.problems", "engine.files.yaml_lines"}
APP_MODULES = {"panel_ui", "views", "streamlit_app"}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def _copy(tmp_path: Path) -> Path:
    """The package and the contract, copied, so a planted import never touches the repository."""
    shutil.copytree(ROOT / "engine", tmp_path / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contract_is_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_it_too(tmp_path: Path) -> None:
    result = _lint_imports(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("engine/rules/planted.py", "import engine.legal.layer\n",
     ["Layers: each package imports only those below it BROKEN", "The rule engine imports nothing of the domain BROKEN",
      "engine.rules.planted -> engine.legal.layer"]),
    ("engine/case/planted.py", "from engine.report.catalogue import FACTS\n",
     ["Layers: each package imports only those below it BROKEN", "engine.case.planted -> engine.report.catalogue"]),
    ("engine/framework/planted.py", "from engine.oh.facts import FACTS\n",
     ["Layers: each package imports only those below it BROKEN",
      "The framework and occupational health are independent of each other BROKEN"]),
    ("engine/case/model.py", "from engine.case import checks\n",
     ["No import cycles between the modules of a package BROKEN"]),
    ("engine/planted.py", '"""A module outside every layer."""\n',
     ["Layers: each package imports only those below it BROKEN", "engine.planted"]),
])
def test_a_planted_import_breaks_the_contract(tmp_path: Path, module: str, line: str, broken: list[str]) -> None:
    copy = _copy(tmp_path)
    planted = copy / module
    planted.write_text((planted.read_text(encoding="utf-8") if planted.exists() else "") + line, encoding="utf-8")
    result = _lint_imports(copy)
    assert result.returncode != 0, result.stdout
    for text in broken:
        assert text in result.stdout, result.stdout


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_the_panel_app_uses_only_the_engine_entry_points() -> None:
    used = {name: path for path in sorted((ROOT / "panel_app").rglob("*.py")) for name in _imports(path)
            if name == "engine" or name.startswith("engine.")}
    assert used, "the app imports the engine"
    outside = {name: str(path.relative_to(ROOT)) for name, path in used.items() if name not in APP_ENTRY_POINTS}
    assert not outside, f"the panel app reaches past the engine's entry points: {outside}"


def test_the_engine_never_imports_the_panel_app() -> None:
    for path in sorted((ROOT / "engine").rglob("*.py")):
        assert not {n.split(".")[0] for n in _imports(path)} & APP_MODULES, path
