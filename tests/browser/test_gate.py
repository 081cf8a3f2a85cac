"""Where the browser is missing the suite skips with the reason, unless FAIRCHANCE_REQUIRE_BROWSER is
set (CI), when it fails with the same reason. Runs without a browser."""

from __future__ import annotations

import pytest
from browser_helpers import REQUIRE_BROWSER, browser_missing, require_browser


def test_missing_chromium_skips_with_the_reason(tmp_path):
    absent = tmp_path / "chromium"
    with pytest.raises(pytest.skip.Exception, match=f"{absent} is missing: install Debian chromium"):
        require_browser(absent, {})


@pytest.mark.parametrize("value", ["1", "yes"])
def test_missing_chromium_fails_when_the_browser_is_required(tmp_path, value):
    absent = tmp_path / "chromium"
    with pytest.raises(pytest.fail.Exception, match=f"is missing.*{REQUIRE_BROWSER} is set"):
        require_browser(absent, {REQUIRE_BROWSER: value})


def test_an_empty_setting_does_not_require_the_browser(tmp_path):
    with pytest.raises(pytest.skip.Exception):
        require_browser(tmp_path / "chromium", {REQUIRE_BROWSER: ""})


def test_a_present_executable_passes(tmp_path):
    present = tmp_path / "chromium"
    present.write_text("")
    assert browser_missing(present) is None
    require_browser(present, {REQUIRE_BROWSER: "1"})
