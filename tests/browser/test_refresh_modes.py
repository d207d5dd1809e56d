"""Issue 10's reproduction and a form with an expired session, in both refresh modes, on both
servers (runserver and uvicorn): the example served with ST_REFRESH_MODE=server and =page.

The reproduction walks a sequence, not a fresh profile: sign up, sign out, open a protected page
while signed out (web-js then records "signed out" in the browser), sign in on the server, let the
access token expire, reload. The browser holds a valid refresh token, so it must end back on the
page, signed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .harness import HOST, Browser, ExampleServer, serve_example
from .helpers import (
    REFRESH_PATH,
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

WEB_JS = "/static/django_st_ssr/vendor/supertokens-web-js"


@pytest.fixture(
    scope="module",
    params=[("wsgi", "server"), ("asgi", "server"), ("wsgi", "page"), ("asgi", "page")],
    ids=lambda p: "-".join(p),
)
def example_server(request: pytest.FixtureRequest, st_core: Any) -> Iterator[ExampleServer]:
    kind, mode = request.param
    with serve_example(kind, st_core, mode) as server:
        server.mode = mode  # type: ignore[attr-defined]
        yield server


def _mode(browser: Browser) -> str:
    return str(browser.server.mode)  # type: ignore[attr-defined]


def _web_js_view(page: Any, server_url: str) -> dict[str, Any]:
    """What supertokens-web-js, loaded now into this page, says about the session."""
    for name in ("website", "supertokens", "session"):
        page.add_script_tag(url=f"{WEB_JS}/{name}.js")
    return dict(
        page.evaluate(
            """async (apiDomain) => {
                supertokens.init({
                    appInfo: {appName: "x", apiDomain, apiBasePath: "/auth"},
                    recipeList: [supertokensSession.init({tokenTransferMethod: "cookie"})],
                });
                const exists = await supertokensSession.doesSessionExist();
                return {exists, userId: exists ? await supertokensSession.getUserId() : null};
            }""",
            server_url,
        )
    )


def test_signed_out_then_signed_in_browser_stays_signed_in_at_expiry(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    refresh_calls = watch_refresh_calls(page)
    email = sign_up(browser)
    user_id = page.inner_text("#user-id")

    page.click("header button:has-text('Sign out')")
    wait_for_path(page, "/")
    assert browser.cookie("sRefreshToken") is None
    assert _web_js_view(page, browser.server.url)["exists"] is False

    # A protected page while signed out: the sign-in page (page mode: web-js has now stored
    # "signed out" in this browser, the state that used to stick).
    go(page, "/dashboard/")
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/dashboard/"

    submit_credentials(page, email)
    wait_for_path(page, "/dashboard/")
    assert page.inner_text("#email") == email
    # The server-side sign-in told web-js, as its own fetch would have.
    assert browser.cookie("sFrontToken")
    assert _web_js_view(page, browser.server.url) == {"exists": True, "userId": user_id}

    expire_access_token(browser, st_core)
    signed_in_at = len(browser.navigations)
    refresh_calls.clear()
    go(page, "/dashboard/?tab=x")
    wait_for_path(page, "/dashboard/?tab=x")
    assert page.inner_text("#email") == email
    assert page.inner_text("#tab") == "Tab: x"

    after = [urlsplit(url).path for url in browser.navigations[signed_in_at:]]
    assert "/signin/" not in after, after
    if _mode(browser) == "server":
        # One round trip through the refresh path, no refresh page, no script.
        assert refresh_calls == [("GET", 302)]
        assert REFRESH_PATH not in after
    else:
        assert refresh_calls == [("POST", 200)]
        assert after.count(REFRESH_PATH) == 1
    assert len(after) <= 3, after
    # Whatever did the refresh, web-js agrees with the server afterwards.
    assert _web_js_view(page, browser.server.url) == {"exists": True, "userId": user_id}
    assert not browser.escapes
    assert not browser.csp_violations


def test_form_sent_with_an_expired_session_is_processed(browser: Browser, st_core: Any) -> None:
    page = browser.page
    refresh_calls = watch_refresh_calls(page)
    email = sign_up(browser)
    go(page, "/notes/")
    wait_for_path(page, "/notes/")
    page.fill("#note", "kept across the refresh: é & <b>")

    expire_access_token(browser, st_core)
    page.click("main button:has-text('Save')")
    page.wait_for_selector("#saved")
    assert page.inner_text("#saved") == "Saved: kept across the refresh: é & <b>"
    assert page.inner_text("#email") == email
    assert urlsplit(page.url).path == "/notes/"
    if _mode(browser) == "server":
        # The POST went to the refresh path and back with its body (307 twice).
        assert refresh_calls == [("POST", 307)]
    else:
        # The resubmission page renewed the session and sent the fields again.
        assert refresh_calls == [("POST", 200)]
    assert not browser.escapes


def test_no_refresh_token_ends_on_the_sign_in_page(browser: Browser) -> None:
    page = browser.page
    sign_up(browser)
    browser.context.clear_cookies(name="sRefreshToken")
    browser.context.clear_cookies(name="sAccessToken")
    go(page, "/reports/?year=2026")
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/reports/?year=2026"
    assert urlsplit(page.url).netloc == urlsplit(browser.server.url).netloc
    assert HOST in page.url
