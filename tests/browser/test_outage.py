"""The core goes down while a visitor's access token has expired, in a real Chromium.

The refresh page's call to the refresh API fails (503): the visitor sees the "could not be
renewed" state, is not sent to the sign-in page and keeps the session cookies; once the core is
back, "Try again" brings the page back signed in, with no new sign-in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from .harness import Browser, off_loop
from .helpers import REFRESH_PATH, expire_access_token, go, sign_up, wait_for_page, wait_for_path

pytestmark = [pytest.mark.browser, pytest.mark.emulator_only(reason="takes the core down")]


def test_refresh_during_a_core_outage_keeps_the_visitor_signed_in(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    email = sign_up(browser)
    expire_access_token(browser, st_core)
    refresh_token = browser.cookie("sRefreshToken")
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.url.endswith("/auth/session/refresh") else None,
    )

    off_loop(st_core.down)
    try:
        go(page, "/dashboard/")
        wait_for_page(page, REFRESH_PATH)
        page.wait_for_selector("[data-st-state=error]:not([hidden])")
        assert "Your session could not be renewed" in page.inner_text("main")
        assert 503 in statuses
        page.wait_for_timeout(1000)  # nothing else happens: no sign-in page, no loop
        assert urlsplit(page.url).path == REFRESH_PATH
        assert not [u for u in browser.navigations if urlsplit(u).path == "/signin/"]
        assert browser.cookie("sRefreshToken") == refresh_token
    finally:
        off_loop(st_core.up)

    page.get_by_role("link", name="Try again").click()
    wait_for_path(page, "/dashboard/")
    assert page.inner_text("#email") == email
    assert statuses[-1] == 200
    assert not [u for u in browser.navigations if urlsplit(u).path == "/signin/"]
