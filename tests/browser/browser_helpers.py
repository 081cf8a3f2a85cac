"""Helpers for the browser suite: whether the browser is there, starting and stopping `streamlit run`,
and driving the app like a person (sign in, pick a page or a case) with full-height screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = "FAIRCHANCE_REQUIRE_BROWSER"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAIT_MS = 60_000
TALLEST_SHOT = 9000     # px: the longest pages (the 20-record review) fit; a runaway page does not eat memory
CHART = "[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart']"


def browser_missing(chromium: Path) -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not chromium.exists():
        return (f"{chromium} is missing: install Debian chromium (apt-get install chromium) to run the browser "
                "tests (never `playwright install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright python package is missing: install the dev extras (pip install -e '.[dev]')"
    return None


def require_browser(chromium: Path, environ: Mapping[str, str]) -> None:
    """Skip with the reason when the browser is missing; fail instead when REQUIRE_BROWSER is set (CI)."""
    missing = browser_missing(chromium)
    if missing is None:
        return
    if environ.get(REQUIRE_BROWSER):
        pytest.fail(f"{missing} ({REQUIRE_BROWSER} is set, so the browser tests may not skip)")
    pytest.skip(missing)


# --- the server ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer on {url} within {seconds} s")


def start_streamlit(root: Path, db_url: str, port: int | None = None,
                    cwd: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run` with the production settings of `make run`, on a free loopback port (or `port`),
    started in `cwd` (default the project root; Streamlit reads `.streamlit/secrets.toml` from there)."""
    port = port or free_port()
    env = {**os.environ, "FAIRCHANCE_DB": db_url, "FAIRCHANCE_DEMO": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "panel_app" / "streamlit_app.py"),
         "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--client.showErrorDetails", "none", "--server.fileWatcherType", "none"],
        cwd=cwd or root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
    except RuntimeError:
        stop(process)
        raise
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- driving the app -----------------------------------------------------------------------------------

def settle(page) -> None:
    """Wait until the script run has finished and no element is still a loading placeholder."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")")
    page.wait_for_timeout(250)      # the last frame's paint (grids and charts draw after the DOM settles)


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")


def accessible(page, name: str) -> None:
    """axe-core's WCAG 2.2 A and AA rules on the page as it stands (Public Sector Bodies Accessibility
    Regulations 2018); any serious or critical violation fails, naming the rule and the elements."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                                     "resultTypes": ["violations"]}).response["violations"]
    blocking = [v for v in found if v.get("impact") in BLOCKING]
    report = [f"{v['id']} ({v['impact']}): {v['help']}: " + ", ".join(n["target"][0] for n in v["nodes"][:3])
              for v in blocking]
    assert not blocking, f"{name}: accessibility violations:\n" + "\n".join(report)


def shot(page, name: str) -> Path:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the viewport is made
    as tall as the content first (full_page alone would stop at the window)."""
    settle(page)
    size = page.viewport_size
    content = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    tall = min(max(size["height"], content), TALLEST_SHOT)
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
        settle(page)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    accessible(page, name)
    return path


def sign_in(page, username: str) -> None:
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(f"{username}-pass")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    settle(page)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def nav_titles(page) -> list[str]:
    """The pages the sidebar offers, in order (each link's text is its icon's name, then its title)."""
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    return [text.split("\n")[-1].strip() for text in links.all_inner_texts()]


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    settle(page)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the select box labelled `label`."""
    from playwright.sync_api import TimeoutError as NotYet

    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):          # a click while the page re-runs can land on a list that then closes: open again
        box.click()
        try:
            wanted.wait_for(timeout=5000)
            break
        except NotYet:
            settle(page)
    wanted.click()
    settle(page)


def pick_case(page, case_id: str) -> None:
    pick(page, "Case", case_id)


def chart_drawn(page) -> None:
    """The Vega-Lite chart has drawn its canvas or svg (not only its frame)."""
    page.locator(CHART).first.locator("canvas, svg").first.wait_for()
