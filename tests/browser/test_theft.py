"""A stolen, already-rotated refresh token is replayed: the real browser ends on the sign-in page.

The visitor's browser refreshes its session (so its first refresh token is retired), a thief
replays that first token against the refresh API and is told "token theft detected"; the core
revokes the session, and the visitor's next refresh fails, landing on the sign-in page with the
page to come back to.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .harness import Browser
from .helpers import expire_access_token, go, sign_up, wait_for_page, wait_for_path

pytestmark = pytest.mark.browser


def replay(server_url: str, refresh_token: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{server_url}/auth/session/refresh",
        method="POST",
        headers={"Cookie": f"sRefreshToken={refresh_token}", "rid": "session"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_replayed_refresh_token_ends_the_visitor_on_the_sign_in_page(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    sign_up(browser)
    stolen = browser.cookie("sRefreshToken")
    assert stolen

    # The visitor's session rotates: refresh, then use the new access token.
    expire_access_token(browser, st_core)
    go(page, "/dashboard/")
    wait_for_path(page, "/dashboard/")
    assert browser.cookie("sRefreshToken") != stolen

    status, body = replay(browser.server.url, stolen)
    assert (status, body.get("message")) == (401, "token theft detected")

    expire_access_token(browser, st_core)
    go(page, "/dashboard/?tab=after-theft")
    wait_for_page(page, "/signin/")
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/dashboard/?tab=after-theft"]
    assert browser.cookie("sRefreshToken") in (None, "")
    page.goto("/dashboard/", wait_until="commit")
    wait_for_page(page, "/signin/")
