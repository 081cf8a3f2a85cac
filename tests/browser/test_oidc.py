"""OIDC sign-in end to end (issue 15): Streamlit's st.login (Authlib) against a local mock identity
provider (oidc-provider-mock, started here), in headless Chromium. The provider says who someone is
(the e-mail claim); the local users table says what they may do (the role) and whether they still may."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port, settle, start_streamlit, stop

from engine.store import open_store

ROOT = Path(__file__).resolve().parents[2]
CHAIR = "chair@trust.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    mock = pytest.importorskip("oidc_provider_mock")
    with mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(chromium, provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo store plus an account named by its e-mail, served with an [auth] section pointing at the mock."""
    pytest.importorskip("authlib")
    folder = tmp_path_factory.mktemp("oidc")
    db = folder / "demo.db"
    subprocess.run([sys.executable, "-m", "engine.services.demo", "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True)
    url = f"sqlite:///{db}"
    store = open_store(url)
    store.add_user(CHAIR, secrets.token_hex(16), "panel_chair", "OIDC Chair", actor="test")
    store.close()
    port = free_port()
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "fairchance-test"\n'
        'client_secret = "fairchance-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    process, app_url = start_streamlit(ROOT, url, port=port, cwd=folder)
    try:
        yield app_url, url
    finally:
        stop(process)


def _through_the_provider(browser, app_url: str, subject: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.get_by_role("heading", name="Authorize Client").wait_for()
    page.get_by_placeholder("sub").fill(subject)          # the mock's e-mail claim is the subject
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")
    return context, page


def test_a_known_account_signs_in_with_its_store_role(browser, oidc_app):
    app_url, url = oidc_app
    context, page = _through_the_provider(browser, app_url, CHAIR)
    try:
        page.get_by_text("Signed in as").wait_for()
        settle(page)
        assert "OIDC Chair" in page.get_by_text("Signed in as").inner_text()
        assert page.get_by_role("heading", name="Queue").is_visible()
        # the role is the store's: the chair is offered the Decision page, not the Auditor's
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Decision" in nav and "Auditor" not in nav
        # disabled in the store: the next click ends the session
        store = open_store(url)
        store.disable_user(CHAIR, actor="test")
        store.close()
        page.get_by_role("link", name="Case review").click()
        # st.logout ends the provider's session too: the mock asks to confirm, then sends the browser back
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{app_url}/**")
        page.get_by_role("heading", name="Sign in").wait_for()
        assert not page.get_by_text("Signed in as").count()
    finally:
        context.close()


def test_an_unknown_account_is_refused(browser, oidc_app):
    app_url, url = oidc_app
    context, page = _through_the_provider(browser, app_url, "stranger@trust.example")
    try:
        page.get_by_text("has no active fairchance account").wait_for()
        assert not page.get_by_text("Signed in as").count()
    finally:
        context.close()
    store = open_store(url)
    try:
        refused = [a for a in store.access_log() if a.actor == "stranger@trust.example"]
        assert [a.data_kind for a in refused] == ["sign_in"] and "OIDC sign-in refused" in refused[0].purpose
    finally:
        store.close()
