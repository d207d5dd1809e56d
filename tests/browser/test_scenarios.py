"""The issue-4 scenarios in a real Chromium, each against runserver (WSGI) and uvicorn (ASGI).

Every test asserts where the browser finally is (URL) and what the page says.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import pytest

from django_st_ssr.redirects import LOOP_COOKIE_NAME

from .harness import ARTIFACTS, HOST, REPO, Browser, in_background, off_loop
from .helpers import (
    REFRESH_PATH,
    HeldRequests,
    Sent,
    expire_access_token,
    forward_dropping_cookies,
    go,
    leave_refresh_page,
    query_param,
    revoke_session,
    send_again,
    sign_up,
    submit_credentials,
    wait_for_page,
    wait_for_path,
)

pytestmark = pytest.mark.browser

DOCS = REPO / "docs"


def save_screenshot(browser: Browser, page: Any, name: str) -> None:
    """Into test-artifacts/ always; into docs/ (README images) with UPDATE_DOCS_SCREENSHOTS=1."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The dashboard's widget and API calls fill in after the load: wait until they have.
    page.wait_for_function("""() => !document.querySelector('[aria-busy="true"]')""")
    page.screenshot(path=str(ARTIFACTS / f"{browser.server.kind}-{name}"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" and browser.server.kind == "wsgi":
        page.screenshot(path=str(DOCS / name))


def refresh_page_visits(browser: Browser) -> list[str]:
    return [url for url in browser.navigations if urlsplit(url).path == REFRESH_PATH]


def assert_never_saw_login(browser: Browser) -> None:
    assert not [url for url in browser.navigations if urlsplit(url).path == "/signin/"]


# 1 -----------------------------------------------------------------------------------------


def test_sign_up_lands_on_dashboard_showing_the_new_email(browser: Browser) -> None:
    page = browser.page
    email = sign_up(browser)

    assert browser.path() == "/dashboard/"
    assert page.inner_text("h1") == "Dashboard"
    assert page.inner_text("#email") == email
    assert page.inner_text("#user-id").strip()
    assert page.inner_text("#session-handle").strip()
    # The session came with the redirect, as HttpOnly cookies.
    cookies = {c["name"]: c for c in browser.context.cookies()}
    assert cookies["sAccessToken"]["httpOnly"]
    assert cookies["sRefreshToken"]["path"] == "/auth/session/refresh"

    page.goto("/")
    assert page.inner_text("h1") == f"Hello, {email}"


# Needs a truly expired token (a missing one is anonymous here): emulator only.
@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_home_page_greets_a_returning_user_whose_access_token_expired(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    email = sign_up(browser)
    expire_access_token(browser, st_core)

    go(page, "/")
    wait_for_path(page, "/")
    assert page.inner_text("h1") == f"Hello, {email}"
    assert len(refresh_page_visits(browser)) == 1

    # Nobody signed in: the optional session just renders the page, no refresh round trip.
    browser.context.clear_cookies()
    page.goto("/")
    assert page.inner_text("h1") == "Welcome"
    assert len(refresh_page_visits(browser)) == 1


def test_forms_show_errors_inline(browser: Browser) -> None:
    page = browser.page
    email = sign_up(browser)
    browser.context.clear_cookies()

    page.goto("/signup/")
    submit_credentials(page, "not-an-email")
    page.wait_for_load_state()
    assert browser.path() == "/signup/"
    assert "Email is not valid" in page.inner_text("main")  # the SDK's own validator

    submit_credentials(page, email)
    page.wait_for_load_state()
    assert browser.path() == "/signup/"
    assert "An account with this email already exists." in page.inner_text("main")

    page.goto("/signin/")
    submit_credentials(page, email, "wrong-password-1")
    page.wait_for_load_state()
    assert browser.path() == "/signin/"
    assert "Wrong email or password." in page.inner_text("main")
    assert browser.cookie("sAccessToken") is None


# 2 -----------------------------------------------------------------------------------------


def test_expired_access_token_is_refreshed_and_the_page_comes_back(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    email = sign_up(browser)
    handle = page.inner_text("#session-handle")
    old_token = expire_access_token(browser, st_core)
    expired_token = browser.cookie("sAccessToken")

    # Hold the refresh call long enough to photograph the refresh page.
    held = HeldRequests()
    page.route("**/auth/session/refresh", held)
    go(page, "/dashboard/?tab=x")
    wait_for_page(page, REFRESH_PATH)
    held.wait(page)
    assert "Renewing your session" in page.inner_text("main")
    save_screenshot(browser, page, "refresh-page.png")
    held.release()
    page.unroute("**/auth/session/refresh")

    wait_for_path(page, "/dashboard/?tab=x")
    assert page.inner_text("#tab") == "Tab: x"
    assert page.inner_text("#email") == email
    save_screenshot(browser, page, "dashboard.png")
    # Same session, new access token: a refresh, not a new sign-in.
    assert page.inner_text("#session-handle") == handle
    new_token = browser.cookie("sAccessToken")
    assert new_token
    assert new_token not in (old_token, expired_token)
    assert len(refresh_page_visits(browser)) == 1
    assert_never_saw_login(browser)


# 3 -----------------------------------------------------------------------------------------


def test_revoked_session_goes_to_login_and_back_to_the_page_after_sign_in(
    browser: Browser, st_core: Any
) -> None:
    page = browser.page
    email = sign_up(browser)
    old_handle = page.inner_text("#session-handle")
    revoke_session(old_handle)
    expire_access_token(browser, st_core)

    go(page, "/reports/?year=2026")
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/reports/?year=2026"
    assert len(refresh_page_visits(browser)) == 1
    # The failed refresh cleared the dead session's cookies.
    assert browser.cookie("sRefreshToken") is None

    submit_credentials(page, email)
    wait_for_path(page, "/reports/?year=2026")
    assert page.inner_text("h1") == "Reports for 2026"
    assert page.inner_text("#email") == email
    assert page.inner_text("#session-handle") != old_handle


# 4 -----------------------------------------------------------------------------------------

MALICIOUS_TARGETS = [
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    "%2F%2Fevil.example",
]


def assert_stayed_home(browser: Browser) -> None:
    assert browser.escapes == []
    assert browser.dialogs == []
    assert all(urlsplit(url).hostname == HOST for url in browser.navigations), browser.navigations
    assert urlsplit(browser.page.url).hostname == HOST


@pytest.mark.parametrize("target", MALICIOUS_TARGETS)
def test_refresh_page_never_leaves_the_site_for_a_malicious_target(
    browser: Browser, st_core: Any, target: str
) -> None:
    page = browser.page
    sign_up(browser)
    expire_access_token(browser, st_core)

    # Put into the address bar as an attacker would write it in a link.
    go(page, f"{REFRESH_PATH}?redirectBack={target}")
    leave_refresh_page(page)
    page.wait_for_load_state("networkidle")

    # The refresh worked and, the target being unusable, the site's home page took its place.
    assert browser.path() == "/"
    assert page.inner_text("h1").startswith("Hello, ")
    assert_stayed_home(browser)


@pytest.mark.parametrize("target", MALICIOUS_TARGETS)
def test_login_next_never_leaves_the_site_for_a_malicious_target(
    browser: Browser, target: str
) -> None:
    page = browser.page
    email = sign_up(browser)
    browser.context.clear_cookies()

    # Through the refresh page (which already drops the target) and straight to the login page
    # (whose own `next` check is the example's).
    go(page, f"{REFRESH_PATH}?redirectBack={target}")
    wait_for_page(page, "/signin/")
    page.goto(f"/signin/?next={target}")
    submit_credentials(page, email)
    page.wait_for_url(lambda url: urlsplit(url).path != "/signin/", wait_until="load")
    page.wait_for_load_state("networkidle")

    assert browser.path() == "/dashboard/"
    assert page.inner_text("#email") == email
    assert_stayed_home(browser)


# 5 -----------------------------------------------------------------------------------------


def test_two_tabs_refreshing_at_once_both_come_back_signed_in(
    browser: Browser, st_core: Any
) -> None:
    first = browser.page
    email = sign_up(browser)
    handle = first.inner_text("#session-handle")
    expire_access_token(browser, st_core)
    second = browser.new_page()

    # Hold every refresh call until both tabs sit on the refresh page, then let them all go.
    held = HeldRequests()
    browser.context.route("**/auth/session/refresh", held)
    go(first, "/dashboard/?tab=a")
    go(second, "/reports/?year=2026")
    for tab in (first, second):
        wait_for_page(tab, REFRESH_PATH)
    held.wait(first)
    first.wait_for_timeout(300)  # the second tab's attempt, if it is not waiting on a lock
    # supertokens-web-js takes a cross-tab lock, so usually only one call is in flight. Make the
    # race real anyway: the same refresh token reaches the server twice at the same moment.
    duplicate = in_background(send_again, Sent.of(held.routes[0].request))
    held.release()
    browser.context.unroute("**/auth/session/refresh")
    assert duplicate.result(timeout=15)[0] == 200

    wait_for_path(first, "/dashboard/?tab=a")
    wait_for_path(second, "/reports/?year=2026")
    for tab in (first, second):
        assert tab.inner_text("#email") == email
        assert tab.inner_text("#session-handle") == handle
    assert_never_saw_login(browser)

    # Nobody was logged out: the session survives another expiry and refresh.
    expire_access_token(browser, st_core)
    go(second, "/dashboard/")
    wait_for_path(second, "/dashboard/")
    assert second.inner_text("#session-handle") == handle
    assert_never_saw_login(browser)


# 6 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("guard_cookie", ["stored", "blocked"])
def test_blocked_access_token_cookie_ends_the_loop_within_three_round_trips(
    browser: Browser, st_core: Any, guard_cookie: str
) -> None:
    """The refresh succeeds at the core, but the new access token never reaches the cookie jar.

    With the loop-guard cookie blocked too, only the refresh page's own counter can stop it.
    """
    page = browser.page
    sign_up(browser)
    expire_access_token(browser, st_core)
    refresh_calls: list[str] = []

    def refresh(route: Any) -> None:
        refresh_calls.append(route.request.url)
        forward_dropping_cookies(route, "sAccessToken")

    def document(route: Any) -> None:
        if route.request.resource_type == "document":
            forward_dropping_cookies(route, LOOP_COOKIE_NAME)
        else:
            route.fallback()

    if guard_cookie == "blocked":
        browser.context.route("**/*", document)
    browser.context.route("**/auth/session/refresh", refresh)

    go(page, "/dashboard/")
    page.get_by_text("We cannot keep you signed in").wait_for()
    page.wait_for_load_state("networkidle")

    assert urlsplit(page.url).path == REFRESH_PATH
    sign_in_again = page.get_by_role("link", name="Sign in again")
    assert sign_in_again.is_visible()
    assert urlsplit(sign_in_again.get_attribute("href") or "").path == "/signin/"
    assert 1 <= len(refresh_calls) <= 3, browser.navigations
    dashboard_loads = [u for u in browser.navigations if urlsplit(u).path == "/dashboard/"]
    assert len(dashboard_loads) <= 3, browser.navigations


# 7 -----------------------------------------------------------------------------------------


def test_after_sign_out_protected_pages_and_back_button_show_no_dashboard(
    browser: Browser,
) -> None:
    page = browser.page
    email = sign_up(browser)
    assert page.inner_text("#email") == email

    page.click("header button:has-text('Sign out')")
    wait_for_path(page, "/")
    assert page.inner_text("h1") == "Welcome"
    assert browser.cookie("sAccessToken") is None
    assert browser.cookie("sRefreshToken") is None

    # The back button: the dashboard must be fetched again (no-store), and that fails now.
    page.go_back()
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/dashboard/"
    assert "Sign in" in page.inner_text("h1")
    assert email not in page.inner_text("body")

    go(page, "/reports/?year=2026")
    wait_for_page(page, "/signin/")
    assert query_param(page.url, "next") == "/reports/?year=2026"
    assert email not in page.inner_text("body")


# Needs a truly expired token (a missing one is anonymous here): emulator only.
@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_sign_out_with_an_expired_access_token_still_revokes_the_session(
    browser: Browser, st_core: Any
) -> None:
    from supertokens_python.recipe.session.syncio import get_session_information

    page = browser.page
    sign_up(browser)
    handle = page.inner_text("#session-handle")
    expire_access_token(browser, st_core)

    page.click("header button:has-text('Sign out')")
    # No detour through a refresh: the expired token's signature names the session to revoke.
    wait_for_path(page, "/")
    assert not [url for url in browser.navigations if urlsplit(url).path == REFRESH_PATH]

    assert page.inner_text("h1") == "Welcome"
    assert browser.cookie("sRefreshToken") is None
    assert off_loop(get_session_information, handle) is None
