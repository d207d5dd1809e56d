"""DRF's browsable API in Chromium: a person at an API URL is refreshed and signed in like a page.

The example served with a DRF endpoint (tests/browser/drf_site.py), REFRESH_MODE "server", WSGI;
the app tests (tests/contrib/test_drf_browsable.py) cover each answer in both modes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .harness import Browser, ExampleServer, serve_example
from .helpers import (
    expire_access_token,
    go,
    query_param,
    sign_up,
    submit_credentials,
    wait_for_page,
    wait_for_path,
    watch_refresh_calls,
)

pytestmark = pytest.mark.browser

API = "/api/whoami/"


@pytest.fixture(scope="module")
def example_server(st_core: Any) -> Iterator[ExampleServer]:
    with serve_example("wsgi", st_core, "server", settings="tests.browser.drf_site") as server:
        yield server


def _shown_user(page: Any) -> str:
    # The browsable API prints the JSON answer in the page.
    match = re.search(r'"user": "([^"]+)"', page.inner_text("body"))
    assert match, f"no user on {page.url}"
    return match.group(1)


def test_browsable_api_refreshes_and_signs_in_like_a_page(browser: Browser, st_core: Any) -> None:
    page = browser.page
    refreshes = watch_refresh_calls(page)
    email = sign_up(browser)
    page.goto(API)
    user = _shown_user(page)

    # An expired access token: through the server-side refresh, back on the API page.
    expire_access_token(browser, st_core)
    go(page, API)
    wait_for_path(page, API)
    assert _shown_user(page) == user
    assert refreshes == [("GET", 302)]

    # No session at all: the sign-in page, and back on the API page once signed in.
    browser.context.clear_cookies()
    go(page, API)
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == API
    submit_credentials(page, email)
    wait_for_path(page, API)
    assert _shown_user(page) == user
    assert not browser.escapes
