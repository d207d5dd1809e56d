"""Issue 14: the dashboard's htmx widget and its fetch() calls to the DRF and Ninja APIs, on a
session whose access token expired or was revoked, under runserver (WSGI) and uvicorn (ASGI).

The dashboard carries ``{% st_ssr_frontend %}``: supertokens-web-js intercepts htmx's XHR and
the page's fetch(), refreshes an expired session and replays the call. The user sees the data,
on the same URL, without any navigation; a revoked session sends the whole page to sign-in.
The last test takes web-js's init script away, as on a page without the tag: htmx then gets
``HX-Redirect`` and the whole page goes through the server-side refresh and back.

Expiry uses ``expire_access_token``: an expired signed token with the emulated core, the access
token cookie dropped with a real one (both must be refreshed silently).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .harness import Browser, ExampleServer, serve_example
from .helpers import (
    SERVER_REFRESH,
    expire_access_token,
    go,
    query_param,
    revoke_session,
    sign_up,
    submit_credentials,
    wait_for_page,
    wait_for_path,
    watch_refresh_calls,
)

pytestmark = pytest.mark.browser

WIDGET = "/dashboard/orders-widget/"
DRF = "/api/orders/"
NINJA = "/api/ninja/session"
IDLE = """() => document.readyState === "complete"
    && document.getElementById("widget-orders") !== null
    && !document.querySelector('[aria-busy="true"]')"""


@pytest.fixture(scope="module", params=["wsgi", "asgi"])
def example_server(request: pytest.FixtureRequest, st_core: Any) -> Iterator[ExampleServer]:
    # REFRESH_MODE "server", the example's default.
    with serve_example(request.param, st_core, "server") as server:
        yield server


def answers(page: Any, path: str) -> list[tuple[str, int]]:
    """(method, status) of every response from ``path``, in order."""
    seen: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            seen.append((r.request.method, r.status)) if urlsplit(r.url).path == path else None
        ),
    )
    return seen


def paths(browser: Browser, since: int = 0) -> list[str]:
    return [urlsplit(url).path for url in browser.navigations[since:]]


def open_dashboard(browser: Browser, path: str = "/dashboard/?tab=x") -> str:
    """Sign up, open ``path`` and wait for its widget and API calls; returns the email."""
    email = sign_up(browser)
    go(browser.page, path)
    wait_for_path(browser.page, path)
    browser.page.wait_for_function(IDLE)
    return email


def swap_widget(page: Any, button: str) -> None:
    """Click a button of the htmx widget and wait until htmx has swapped in a new widget."""
    page.evaluate("document.getElementById('orders-widget').dataset.old = 'yes'")
    page.click(f"#orders-widget button:has-text('{button}')")
    page.wait_for_selector("#orders-widget:not([data-old])")
    page.wait_for_function(IDLE)


def test_expired_token_widget_and_api_calls_refresh_silently(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    email = open_dashboard(browser)
    user_id = page.inner_text("#user-id")
    handle = page.inner_text("#session-handle")
    assert page.inner_text("#api-orders") == "0 order(s)"
    assert page.inner_text("#api-session") == f"user {user_id} ({email})"
    refresh_calls = watch_refresh_calls(page)
    widget, drf, ninja = answers(page, WIDGET), answers(page, DRF), answers(page, NINJA)
    shown = len(browser.navigations)

    expire_access_token(browser, st_core)
    swap_widget(page, "Reload")
    assert page.inner_text("#widget-orders") == "No orders yet."
    # Refused, refreshed by web-js, replayed: one refresh call, no page load.
    assert widget == [("GET", 401), ("GET", 200)]
    assert refresh_calls == [("POST", 200)]

    expire_access_token(browser, st_core)
    page.evaluate("document.getElementById('api-orders').textContent = ''")
    page.click("#api-reload")
    page.wait_for_function(IDLE)
    assert page.inner_text("#api-orders") == "0 order(s)"
    assert page.inner_text("#api-session") == f"user {user_id} ({email})"
    assert drf == [("GET", 401), ("GET", 200)]
    assert ninja == [("GET", 401), ("GET", 200)]
    # Both calls waited for one refresh (web-js's lock), then were replayed.
    assert refresh_calls == [("POST", 200), ("POST", 200)]

    assert browser.navigations[shown:] == []
    assert browser.path() == "/dashboard/?tab=x"
    assert page.inner_text("#session-handle") == handle  # the same session, renewed
    assert browser.cookie("sAccessToken")
    assert not browser.escapes
    assert not browser.csp_violations


@pytest.mark.parametrize("trigger", ["htmx", "fetch"])
def test_revoked_session_sends_the_whole_page_to_sign_in_and_back(
    browser: Browser, st_core: Any, trigger: str
) -> None:
    page = browser.page
    email = open_dashboard(browser, "/dashboard/")
    handle = page.inner_text("#session-handle")
    widget, drf = answers(page, WIDGET), answers(page, DRF)
    refresh_calls = watch_refresh_calls(page)
    shown = len(browser.navigations)

    revoke_session(handle)
    # A revoked session's unexpired access token still opens pages (no core call, by design).
    expire_access_token(browser, st_core)
    if trigger == "htmx":
        page.click("#orders-widget button:has-text('Reload')")
    else:
        page.click("#api-reload")
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/dashboard/"
    # The sign-in page is the page, not a fragment swapped into the dashboard.
    assert page.locator("#orders-widget").count() == 0
    assert page.locator("#id_email").count() == 1
    assert (widget if trigger == "htmx" else drf) == [("GET", 401)]
    assert refresh_calls == [("POST", 401)]
    assert paths(browser, shown) == ["/signin/"]

    submit_credentials(page, email)
    wait_for_path(page, "/dashboard/")
    page.wait_for_function(IDLE)
    assert page.inner_text("#email") == email
    assert page.inner_text("#session-handle") != handle
    assert page.inner_text("#api-orders") == "0 order(s)"
    assert not browser.escapes


def test_form_in_the_widget_keeps_its_data_across_the_refresh(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    open_dashboard(browser)
    widget = answers(page, WIDGET)
    refresh_calls = watch_refresh_calls(page)
    shown = len(browser.navigations)
    item = "Blue teapot: é & <b>"

    page.fill("#widget-item", item)
    expire_access_token(browser, st_core)
    swap_widget(page, "Order")
    assert page.inner_text("#widget-added") == f"Ordered: {item}"
    assert page.inner_text("#widget-orders") == item
    # The POST was refused, then sent again with its body after the refresh.
    assert widget == [("POST", 401), ("POST", 200)]
    assert refresh_calls == [("POST", 200)]
    # The answer's HX-Trigger made the page fetch the REST API again: it sees the order.
    page.wait_for_function(
        "(item) => document.getElementById('api-orders').textContent.endsWith(item)", arg=item
    )
    assert page.inner_text("#api-orders") == f"1 order(s), latest: {item}"
    assert browser.navigations[shown:] == []
    assert browser.path() == "/dashboard/?tab=x"


def test_without_the_frontend_sdk_htmx_reloads_the_page_through_the_refresh(
    browser: Browser, st_core: Any
) -> None:
    # The page as it would be without {% st_ssr_frontend %}: web-js never initialised.
    browser.context.route("**/static/django_st_ssr/frontend.js", lambda route: route.abort())
    page = browser.page
    email = open_dashboard(browser)
    handle = page.inner_text("#session-handle")
    # Through a route: a response event can be lost when the page leaves right after it.
    widget: list[tuple[int, dict[str, str]]] = []

    def keep(route: Any) -> None:
        response = route.fetch(max_redirects=0)
        widget.append((response.status, response.headers))
        route.fulfill(response=response)

    page.route(f"**{WIDGET}", keep)
    refresh_calls = watch_refresh_calls(page)
    shown = len(browser.navigations)

    expire_access_token(browser, st_core)
    # The page is already at that URL: wait for the new load, not for the URL.
    with page.expect_navigation(url=lambda url: urlsplit(url).path == "/dashboard/"):
        page.click("#orders-widget button:has-text('Reload')")
    page.wait_for_function(IDLE)
    assert browser.path() == "/dashboard/?tab=x"

    # htmx got no 401 and no 3xx but a full-page move back to the page it was on.
    status, headers = widget[0]
    assert status == 204
    location = headers["hx-redirect"]
    assert urlsplit(location).path == SERVER_REFRESH
    assert query_param(location, "redirectBack") == "/dashboard/?tab=x"
    # The page went through the server-side refresh (a redirect: no page shown) and back.
    assert refresh_calls == [("GET", 302)]
    assert paths(browser, shown) == ["/dashboard/"]
    assert page.inner_text("#email") == email
    assert page.inner_text("#session-handle") == handle
    assert page.inner_text("#widget-orders") == "No orders yet."
    assert not browser.escapes
