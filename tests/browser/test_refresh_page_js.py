"""The JavaScript refresh page (REFRESH_MODE "page", the conftest's example server) where its
browser-side inputs are against it: stale web-js state, scripts that never load."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Browser
from .helpers import (
    REFRESH_PATH,
    expire_access_token,
    go,
    sign_up,
    wait_for_page,
    wait_for_path,
    watch_refresh_calls,
)

pytestmark = pytest.mark.browser


def test_refresh_page_refreshes_whatever_the_browser_state_says(
    browser: Browser, st_core: Any
) -> None:
    # A sign-in by a view that does not write browser state leaves web-js's "signed out" marker
    # (a timestamp, no front token): the refresh page must still ask the API.
    page = browser.page
    refresh_calls = watch_refresh_calls(page)
    email = sign_up(browser)
    browser.context.clear_cookies(name="sFrontToken")
    browser.context.add_cookies(
        [{"name": "st-last-access-token-update", "value": "1", "url": browser.server.url}]
    )
    expire_access_token(browser, st_core)
    go(page, "/dashboard/?tab=stale")
    wait_for_path(page, "/dashboard/?tab=stale")
    assert page.inner_text("#email") == email
    assert refresh_calls == [("POST", 200)]


def test_refresh_page_explains_itself_when_its_scripts_do_not_load(
    browser: Browser, st_core: Any
) -> None:
    # Static files not served (uvicorn without a static files handler): no endless spinner.
    page = browser.page
    sign_up(browser)
    page.route("**/static/django_st_ssr/**/*.js", lambda route: route.abort())
    expire_access_token(browser, st_core)
    go(page, "/dashboard/")
    wait_for_page(page, REFRESH_PATH)
    hint = page.locator("[data-st-stalled]")
    hint.wait_for(state="visible", timeout=15_000)
    assert "scripts did not run" in hint.inner_text()
    assert "static files" in hint.inner_text()
