"""What a visitor does on the example site, as small steps the scenarios share."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django_st_ssr.testing import unique_email

from .harness import HOST, Browser, off_loop

PASSWORD = "correct-horse-42"
REFRESH_PATH = "/refresh-session/"
# The SDK's refresh API, and the server-side refresh (REFRESH_MODE "server").
SERVER_REFRESH = "/auth/session/refresh"


def new_email() -> str:
    return unique_email("browser")


def submit_credentials(page: Any, email: str, password: str = PASSWORD) -> None:
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def sign_up(browser: Browser, email: str | None = None) -> str:
    """Sign up through the form; returns the email. Ends on the dashboard."""
    email = email or new_email()
    browser.page.goto("/signup/")
    submit_credentials(browser.page, email)
    browser.page.wait_for_url("**/dashboard/")
    return email


def go(page: Any, path: str) -> None:
    """Start a navigation without waiting for its load: it may bounce through the refresh page."""
    page.goto(path, wait_until="commit")


def wait_for_path(page: Any, path: str) -> None:
    """Wait until the tab shows exactly ``path`` (path and query) and has loaded."""

    def matches(url: str) -> bool:
        parts = urlsplit(url)
        return parts.netloc.startswith(HOST) and (
            parts.path + (f"?{parts.query}" if parts.query else "") == path
        )

    page.wait_for_url(matches, wait_until="load")


def wait_for_page(page: Any, path: str) -> None:
    """Wait until the tab shows ``path``, whatever the query string, and has loaded."""
    page.wait_for_url(lambda url: urlsplit(url).path == path, wait_until="load")


def leave_refresh_page(page: Any) -> None:
    """Wait until the tab has moved on from the refresh page (or was never on it)."""
    page.wait_for_url(lambda url: urlsplit(url).path != REFRESH_PATH, wait_until="load")


def expire_access_token(browser: Browser, core: Any) -> str | None:
    """Make the next page load find an expired access token; returns the cookie it replaced.

    With the emulated core: a validly signed copy whose ``exp`` has passed (the "try refresh"
    path, no sleeping). A real core cannot mint one, so the cookie is dropped instead, which
    sends the page through the same refresh page by the "unauthorised" path.
    """
    old = browser.cookie("sAccessToken")
    assert old, "no access token cookie to expire"
    if getattr(core, "emulated", False):
        browser.set_cookie("sAccessToken", core.expired_access_token(old))
    else:
        browser.context.clear_cookies(name="sAccessToken")
    return old


def revoke_session(handle: str) -> None:
    from supertokens_python.recipe.session.syncio import revoke_session as sdk_revoke

    assert off_loop(sdk_revoke, handle), f"session {handle} was not found to revoke"


def query_param(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


@dataclass(frozen=True)
class Sent:
    """A request as the browser sent it, detached from Playwright (usable from any thread)."""

    url: str
    method: str
    headers: dict[str, str]
    body: bytes | None

    @classmethod
    def of(cls, request: Any) -> Sent:
        headers = {k: v for k, v in request.all_headers().items() if not k.startswith(":")}
        return cls(request.url, request.method, headers, request.post_data_buffer)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to hand to the browser, not to follow here


_opener = urllib.request.build_opener(_NoRedirects)


def send_again(sent: Sent) -> tuple[int, Any, bytes]:
    """Send a request the browser made once more, from here: (status, headers, body)."""
    request = urllib.request.Request(sent.url, sent.body, sent.headers, method=sent.method)
    try:
        response = _opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:  # 302, 401 etc.: an answer like any other
        response = exc
    with response:
        return response.status, response.headers, response.read()


def forward_dropping_cookies(route: Any, *names: str) -> None:
    """Hand the browser the server's answer minus the named cookies, as a browser that blocks
    them would see it. (``route.fetch()`` would store them in the browser's jar on the way.)"""
    status, response_headers, body = send_again(Sent.of(route.request))
    cookies = [
        value
        for name, value in response_headers.items()
        if name.lower() == "set-cookie" and value.split("=", 1)[0] not in names
    ]
    headers = {k: v for k, v in response_headers.items() if k.lower() != "set-cookie"}
    if cookies:
        # Playwright takes several Set-Cookie headers as one value split by newlines.
        headers["set-cookie"] = "\n".join(cookies)
    route.fulfill(status=status, headers=headers, body=body)


class HeldRequests:
    """A route handler that parks requests until ``release()``: a refresh call caught in flight."""

    def __init__(self) -> None:
        self.routes: list[Any] = []

    def __call__(self, route: Any) -> None:
        self.routes.append(route)

    def wait(self, page: Any, count: int = 1) -> None:
        # wait_for_timeout lets Playwright deliver the route events meanwhile.
        for _ in range(500):
            if len(self.routes) >= count:
                return
            page.wait_for_timeout(20)
        raise AssertionError(f"expected {count} held request(s), got {len(self.routes)}")

    def release(self) -> None:
        for route in self.routes:
            route.continue_()


def watch_refresh_calls(page: Any) -> list[tuple[str, int]]:
    """(method, status) of every response from the refresh path, in order, as they arrive."""
    calls: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            calls.append((r.request.method, r.status))
            if urlsplit(r.url).path == SERVER_REFRESH
            else None
        ),
    )
    return calls
