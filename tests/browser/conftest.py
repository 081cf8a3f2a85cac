"""Browser suite fixtures: the system chromium (a clear skip where it is missing, a failure when
FAIRCHANCE_REQUIRE_BROWSER is set, as CI does), one freshly seeded store and `streamlit run` on a free
loopback port per test module, and the figures the suite prints at the end (without `-s`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS, CHROMIUM, WAIT_MS, require_browser, start_streamlit, stop

ROOT = Path(__file__).resolve().parents[2]
FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def chromium() -> Path:
    require_browser(CHROMIUM, os.environ)
    return CHROMIUM


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's store is (a test may add synthetic cases to it before the browser opens them)."""
    return tmp_path_factory.mktemp("browser") / "demo.db"


@pytest.fixture(scope="module")
def app_url(chromium: Path, demo_db: Path) -> Iterator[str]:
    """A fresh demo store (engine.services.demo, as `make run` seeds it) served by `streamlit run`."""
    db = demo_db
    subprocess.run([sys.executable, "-m", "engine.services.demo", "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True)
    process, url = start_streamlit(ROOT, f"sqlite:///{db}")
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, app_url: str):
    """A new browser context (so a new Streamlit session) on the app's sign-in page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    tab.goto(app_url)
    yield tab
    context.close()


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Keep a line (a measured figure) for the end of the run; figures are printed, never asserted."""
    return request.config.stash.setdefault(FIGURES, []).append


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("browser figures (printed, not asserted)")
        for line in lines:
            terminalreporter.write_line(line)
