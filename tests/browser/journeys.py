"""Model-based journeys: seeded random walks of what visitors do, checked after every step.

A ``Journey`` drives one Chromium through the example project and keeps a ``Model`` of what the
browser should hold (which session, is it still alive in the core, is its access token fresh).
Each step is a user action (sign up, sign in, sign out, let the access token expire, have the
session revoked elsewhere, open the page in a second tab, Back, open a page, submit a form with an
expired token). After every navigation the invariants of issue 10 are asserted:

- a browser holding a valid refresh token never ends on the sign-in page;
- a signed-out browser never sees a protected page;
- every navigation settles within 3 round trips after its first request;
- nothing navigates off 127.0.0.1;
- no console errors, no raw JSON or 5xx shown as a page;

and then what the model predicts exactly (which URL, which session).

A walk is reproducible from its seed: ``JOURNEY_SEED`` fixes it; without it a fresh seed is drawn
and printed (and put into every failure message).
"""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django_st_ssr.redirects import LOOP_COOKIE_NAME

from .harness import HOST, Browser, off_loop
from .helpers import (
    PASSWORD,
    expire_access_token,
    new_email,
    query_param,
    revoke_session,
)

REFRESH_API = "/auth/session/refresh"
SIGN_IN = "/signin/"
# Pages behind @ssr_session_required. GET /signout/ (the app's sign-out page) takes an optional
# session like "/": it names the signed-in user, or says nobody is signed in.
PROTECTED = frozenset({"/dashboard/", "/reports/", "/notes/"})
# A loaded page that is not one of the refresh steps (they hold the refresh script's config),
# whose own calls are done: the dashboard's htmx widget and fetch()es mark themselves aria-busy
# until answered (the next step must not change the cookies under a call in flight).
SETTLED = """() => location.protocol.startsWith("http") && document.readyState === "complete"
    && !document.getElementById("django-st-ssr-config")
    && !document.querySelector('[aria-busy="true"]')"""
CURRENT_ENTRY = "navigation.currentEntry.key"
PREVIOUS_ENTRY = """(() => { const i = navigation.currentEntry.index;
    return i > 0 ? navigation.entries()[i - 1].key : null; })()"""
# Round trips a navigation may take after its first request (page -> refresh -> page).
MAX_ROUND_TRIPS = 3

SEED = int(os.environ.get("JOURNEY_SEED") or secrets.randbelow(10**9))
WALKS = int(os.environ.get("JOURNEY_WALKS", "3"))
STEPS = int(os.environ.get("JOURNEY_STEPS", "25"))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class JourneyFailure(AssertionError):
    pass


@dataclass
class Model:
    """What the browser should hold. ``handle`` None: no session cookies at all."""

    accounts: list[str] = field(default_factory=list)
    email: str | None = None
    handle: str | None = None
    alive: bool = False  # not revoked in the core
    access: str = "fresh"  # "fresh", "expired" (signed, exp passed) or "missing" (cookie gone)

    @property
    def valid_refresh_token(self) -> bool:
        return self.handle is not None and self.alive

    @property
    def may_see_protected(self) -> bool:
        # Access tokens are verified without asking the core (check_database=False): a revoked
        # session's access token still opens pages until it expires, by design.
        return self.handle is not None and (self.alive or self.access == "fresh")

    def signed_out(self) -> None:
        self.email = self.handle = None
        self.alive = False
        self.access = "fresh"


@dataclass
class Trip:
    """What one user action made the browser do, until it settled."""

    documents: list[tuple[str, str]] = field(default_factory=list)  # (method, url), main frame
    refresh_calls: list[str] = field(default_factory=list)  # fetch()es of the refresh API
    responses: list[tuple[str, int, str]] = field(default_factory=list)  # url, status, type
    failed_resources: list[tuple[str, int]] = field(default_factory=list)  # not documents
    console_errors: list[str] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        return len(self.documents) + len(self.refresh_calls) - 1

    @property
    def asked_for(self) -> str | None:
        """The path the action asked for (its first request), before any redirect."""
        return urlsplit(self.documents[0][1]).path if self.documents else None


class Journey:
    """One walk in one fresh browser. ``log`` lists the steps taken (for failure messages)."""

    def __init__(self, browser: Browser, core: Any, rng: random.Random, label: str) -> None:
        self.browser = browser
        self.core = core
        self.rng = rng
        self.label = label
        self.model = Model()
        self.log: list[str] = []
        self.kinds: Counter[str] = Counter()
        # The method of the request that produced each history entry (by Navigation API key).
        self.entry_methods: dict[str, str] = {}
        self.trip = Trip()
        self.watch(browser.page)

    # -- watching the browser ---------------------------------------------------------------

    def watch(self, page: Any) -> None:
        def on_request(request: Any) -> None:
            if request.is_navigation_request() and request.frame == page.main_frame:
                self.trip.documents.append((request.method, request.url))
            elif urlsplit(request.url).path == REFRESH_API:
                self.trip.refresh_calls.append(request.url)

        def on_response(response: Any) -> None:
            request = response.request
            if request.is_navigation_request() and request.frame == page.main_frame:
                kind = response.headers.get("content-type", "")
                self.trip.responses.append((response.url, response.status, kind))
            elif response.status >= 400:
                self.trip.failed_resources.append((response.url, response.status))

        def on_console(message: Any) -> None:
            # Chromium's own "Failed to load resource" lines are network answers, judged from
            # the responses themselves (failed_resources, the page shown) rather than here.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                where = message.location.get("url", "") if message.location else ""
                self.trip.console_errors.append(f"{message.text} ({where})")

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.trip.console_errors.append(str(error)))

    def act(self, page: Any, start: Callable[[], Any]) -> Trip:
        """Run one user action and wait until the tab has settled on a page."""
        self.trip = Trip()
        before = self.snapshot()
        start()
        self.settle(page)
        trip = self.trip
        self.check_trip(page, trip, before)
        if trip.documents:
            self.entry_methods[page.evaluate(CURRENT_ENTRY)] = trip.documents[-1][0]
        return trip

    def settle(self, page: Any) -> None:
        """Wait for a loaded page that is not a refresh step.

        The refresh page, and the page that sends a form again after renewing the session, carry
        the refresh script's configuration and go on by themselves; a page that keeps it (loop
        or error state) never settles, which fails the walk.
        """
        try:
            page.wait_for_function(SETTLED, timeout=10_000)
        except Exception as exc:
            text = page.inner_text("body")[:300] if page.url.startswith("http") else ""
            raise self.fail(f"did not settle on a page: stuck on {page.url}: {text!r}") from exc

    def go(self, page: Any, path: str) -> Trip:
        return self.act(page, lambda: page.goto(path, wait_until="commit"))

    def click(self, page: Any, selector: str) -> Trip:
        def start() -> None:
            with page.expect_navigation(wait_until="commit"):
                page.click(selector)

        return self.act(page, start)

    # -- invariants -------------------------------------------------------------------------

    def fail(self, message: str) -> JourneyFailure:
        steps = "\n".join(f"  {i + 1:2}. {step}" for i, step in enumerate(self.log))
        return JourneyFailure(
            f"{message}\n{self.label}\nsteps:\n{steps}\nnavigations: {self.browser.navigations}"
        )

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            raise self.fail(message)

    def check_trip(self, page: Any, trip: Trip, before: Model) -> None:
        """The invariants that hold for every navigation, whatever the model says."""
        self.check(
            trip.round_trips <= MAX_ROUND_TRIPS,
            f"took {trip.round_trips} round trips (> {MAX_ROUND_TRIPS}): "
            f"{trip.documents} + refresh calls {trip.refresh_calls}",
        )
        self.check(not self.browser.escapes, f"requests left {HOST}: {self.browser.escapes}")
        self.check(
            all(urlsplit(u).hostname == HOST for u in self.browser.navigations),
            f"navigated off {HOST}",
        )
        if trip.responses:
            url, status, kind = trip.responses[-1]
            self.check(
                status < 500 and kind.startswith("text/html"),
                f"the page shown is {status} {kind!r} ({url}), not an HTML page",
            )
        self.check(not trip.console_errors, f"console errors: {trip.console_errors}")
        failed = trip.failed_resources
        if not before.valid_refresh_token:
            # The refresh API's 401 for a dead session is the JavaScript refresh page's answer.
            failed = [
                (u, s) for u, s in failed if not (s == 401 and urlsplit(u).path == REFRESH_API)
            ]
        self.check(not failed, f"requests failed: {failed}")

    def check_identity(self, page: Any, before: Model, trip: Trip) -> None:
        """Issue 10's two promises, judged by what the browser held before the action."""
        final = path_of(page.url)
        if before.valid_refresh_token and urlsplit(page.url).path == SIGN_IN:
            # Unless it asked for the sign-in page itself (or Back restored it from the cache).
            self.check(
                trip.asked_for in (SIGN_IN, None),
                f"a browser holding a valid refresh token ended on the sign-in page: {final}",
            )
        if not before.may_see_protected:
            shown = urlsplit(page.url).path in PROTECTED or page.locator("#session-handle").count()
            self.check(not shown, f"a signed-out browser was shown a protected page: {final}")

    def snapshot(self) -> Model:
        m = self.model
        return Model(list(m.accounts), m.email, m.handle, m.alive, m.access)

    # -- what the model predicts for opening a URL --------------------------------------------

    def cookie_handle(self) -> str | None:
        """The session handle inside the browser's access token (a JWT), if it holds one."""
        token = self.browser.cookie("sAccessToken")
        if not token:
            return None
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(data["sessionHandle"])

    def expect_page(self, page: Any, url: str) -> None:
        """Check where a navigation to ``url`` ended against the model, then update it."""
        m = self.model
        target, final = path_of(url), path_of(page.url)
        kind = urlsplit(url).path
        if kind in PROTECTED:
            if m.may_see_protected:
                self.check(final == target, f"expected {target} shown, ended on {final}")
                if page.locator("#session-handle").count():
                    shown = page.inner_text("#session-handle")
                    self.check(shown == m.handle, f"{target} shows session {shown}, not {m.handle}")
                else:  # the sign-out confirmation names the user only
                    shown = page.inner_text("#email")
                    self.check(shown == m.email, f"{target} shows {shown}, not {m.email}")
                if m.alive:
                    m.access = "fresh"
            else:
                self.ends_signed_out_on_sign_in(page, target)
        elif kind == "/signout/":
            path = urlsplit(page.url).path
            named = page.inner_text("#email") if page.locator("#email").count() else None
            refreshed = m.handle is not None and m.alive and m.access == "expired"
            if m.handle is not None and (m.access == "fresh" or refreshed):
                self.check(final == target, f"expected {target} shown, ended on {final}")
                self.check(named == m.email, f"{target} names {named!r}, not {m.email}")
                m.access = "fresh"
            elif path == SIGN_IN:
                # An optional page may still try the refresh; a dead session then ends here.
                self.check(m.handle is not None and not m.alive, f"{target} ended on {final}")
                self.ends_signed_out_on_sign_in(page, target)
            else:
                self.check(path == "/signout/", f"{target} ended on {final}")
                self.check(named is None, f"{target} names {named!r} to a signed-out browser")
                if self.browser.cookie("sRefreshToken") is None:
                    m.signed_out()
        elif kind == "/":
            self.check(urlsplit(page.url).path in ("/", SIGN_IN), f"/ ended on {final}")
            heading = page.inner_text("h1")
            if m.handle is not None and m.access == "fresh":
                self.check(heading == f"Hello, {m.email}", f"/ says {heading!r}")
            elif m.handle is not None and m.alive and m.access == "expired":
                self.check(heading == f"Hello, {m.email}", f"/ after a refresh says {heading!r}")
                m.access = "fresh"
            elif urlsplit(page.url).path == SIGN_IN:
                # An optional page may still try the refresh; a dead session then ends here.
                self.check(m.handle is not None and not m.alive, f"/ ended on {final}")
                self.ends_signed_out_on_sign_in(page, target)
            else:
                # No session, or no access token cookie (an optional page does not refresh).
                self.check(heading == "Welcome", f"/ says {heading!r} to a signed-out browser")
                if self.browser.cookie("sRefreshToken") is None:
                    m.signed_out()
        else:  # the sign-in and sign-up forms: shown as asked
            self.check(final == target, f"expected {target} shown, ended on {final}")

    def ends_signed_out_on_sign_in(self, page: Any, target: str | None) -> None:
        final = path_of(page.url)
        self.check(urlsplit(page.url).path == SIGN_IN, f"expected the sign-in page, got {final}")
        if target is not None:
            self.check(
                query_param(page.url, "next") == target,
                f"sign-in page should come back to {target}: {final}",
            )
        self.check(
            self.browser.cookie("sRefreshToken") in (None, ""),
            "the dead session's refresh token was not cleared",
        )
        self.model.signed_out()

    # -- the steps ----------------------------------------------------------------------------

    def enabled(self) -> list[tuple[str, float]]:
        m, page = self.model, self.browser.page
        on_site = urlsplit(page.url).hostname == HOST
        steps: list[tuple[str, float]] = [("sign_up", 1), ("visit", 4)]
        if m.accounts:
            steps.append(("sign_in", 2))
        # A real browser keeps the access token cookie for a year: a missing one is only this
        # test's stand-in for expiry against a real core, and names no session to sign out.
        signed_in_page = on_site and page.locator("header button:has-text('Sign out')").count()
        if signed_in_page and m.access != "missing":
            steps.append(("sign_out", 2))
        if m.handle is not None and self.browser.cookie("sAccessToken"):
            steps.append(("expire", 3))
        if m.handle is not None and m.alive:
            steps.append(("revoke_elsewhere", 0.5))
        if m.handle is not None:
            steps.append(("submit_form_after_expiry", 1.5))
        if on_site:
            steps.append(("second_tab", 1))
            # Back to a POST's answer makes Chromium ask whether to send the form again (its
            # own page, not the site's): the walk goes Back only to pages loaded by GET.
            previous = page.evaluate(PREVIOUS_ENTRY)
            if previous and self.entry_methods.get(previous) != "POST":
                steps.append(("back", 1))
        return steps

    def walk(self, count: int) -> None:
        for _ in range(count):
            names, weights = zip(*self.enabled())
            name = self.rng.choices(names, weights)[0]
            self.kinds[name] += 1
            getattr(self, name)()

    def step(self, text: str) -> None:
        self.log.append(text)

    def sign_up(self) -> None:
        page = self.browser.page
        email = new_email()
        self.step(f"sign up as a new user ({self.model.access} token before)")
        self.go(page, "/signup/")
        before = self.snapshot()
        page.fill("#id_email", email)
        page.fill("#id_password", PASSWORD)
        trip = self.click(page, "main button[type=submit]")
        self.signed_in_on(page, email, "/dashboard/", before, trip)
        self.model.accounts.append(email)

    def sign_in(self) -> None:
        page = self.browser.page
        email = self.rng.choice(self.model.accounts)
        on_form = urlsplit(page.url).path == SIGN_IN
        nxt = query_param(page.url, "next") if on_form else None
        self.step(f"sign in ({'on the sign-in page, next=' + str(nxt) if on_form else 'fresh'})")
        if not on_form:
            self.go(page, SIGN_IN)
        before = self.snapshot()
        page.fill("#id_email", email)
        page.fill("#id_password", PASSWORD)
        trip = self.click(page, "main button[type=submit]")
        self.signed_in_on(page, email, nxt or "/dashboard/", before, trip)

    def signed_in_on(self, page: Any, email: str, target: str, before: Model, trip: Trip) -> None:
        final = path_of(page.url)
        self.check(final == target, f"after signing in expected {target}, got {final}")
        handle = self.cookie_handle()
        self.check(handle is not None, "signed in without an access token cookie")
        self.check(bool(self.browser.cookie("sRefreshToken")), "signed in without a refresh token")
        m = self.model
        m.email, m.handle, m.alive, m.access = email, handle, True, "fresh"
        if urlsplit(target).path in PROTECTED:
            self.check(page.inner_text("#email") == email, f"{target} shows another user")

    def sign_out(self) -> None:
        from supertokens_python.recipe.session.syncio import get_session_information

        page, m = self.browser.page, self.model
        self.step(f"click Sign out on {path_of(page.url)} ({m.access} token, alive={m.alive})")
        before = self.snapshot()
        self.click(page, "header button:has-text('Sign out')")
        # Whatever the access token's state (expired, or its session revoked elsewhere).
        final = path_of(page.url)
        self.check(final == "/", f"sign-out ended on {final}, not the home page")
        self.check(page.inner_text("h1") == "Welcome", "home page still greets the user")
        for name in ("sAccessToken", "sRefreshToken"):
            self.check(self.browser.cookie(name) in (None, ""), f"{name} kept after sign-out")
        if before.handle is not None and before.alive:
            info = off_loop(get_session_information, before.handle)
            self.check(info is None, "the session is still alive in the core after sign-out")
        m.signed_out()

    def expire(self) -> None:
        self.step("the access token expires" + ("" if self.core.emulated else " (cookie dropped)"))
        self.expire_now(self.browser.page)

    def expire_now(self, page: Any) -> None:
        # An access token outlives the loop guard's window (REFRESH_WINDOW) many times over: by
        # the time it expires, the guard's counters (its cookie, and the refresh page's
        # sessionStorage in this tab) are gone. Steps seconds apart must not look like a loop.
        self.browser.context.clear_cookies(name=LOOP_COOKIE_NAME)
        if urlsplit(page.url).hostname == HOST:
            page.evaluate("window.sessionStorage.clear()")
        expire_access_token(self.browser, self.core)
        self.model.access = "expired" if self.core.emulated else "missing"

    def revoke_elsewhere(self) -> None:
        self.step("the session is revoked elsewhere (SDK revoke_session)")
        assert self.model.handle is not None
        revoke_session(self.model.handle)
        self.model.alive = False

    def target(self) -> str:
        return self.rng.choice(
            [
                f"/dashboard/?tab={self.rng.randrange(100)}",
                f"/reports/?year={self.rng.randrange(2000, 2100)}",
                "/notes/",
                "/signout/",
                "/",
            ]
        )

    def visit(self, url: str | None = None) -> None:
        page = self.browser.page
        url = url or self.target()
        self.step(f"open {url} ({self.describe()})")
        before = self.snapshot()
        trip = self.go(page, url)
        self.check_identity(page, before, trip)
        self.expect_page(page, url)

    def second_tab(self) -> None:
        url = path_of(self.browser.page.url)
        self.step(f"open {url} in a second tab ({self.describe()})")
        tab = self.browser.new_page()
        self.watch(tab)
        try:
            before = self.snapshot()
            trip = self.go(tab, url)
            self.check_identity(tab, before, trip)
            self.expect_page(tab, url)
        finally:
            tab.close()

    def back(self) -> None:
        page = self.browser.page
        self.step(f"Back from {path_of(page.url)} ({self.describe()})")
        before = self.snapshot()
        trip = self.act(page, lambda: page.go_back(wait_until="commit"))
        self.check_identity(page, before, trip)
        if trip.documents:  # fetched again (no-store pages are not kept in the back cache)
            self.expect_page(page, trip.documents[0][1])

    def submit_form_after_expiry(self) -> None:
        page, m = self.browser.page, self.model
        note = f"note {self.rng.randrange(10**6)}"
        self.step(f"open /notes/, token expires, submit {note!r} ({self.describe()})")
        before = self.snapshot()
        trip = self.go(page, "/notes/")
        self.check_identity(page, before, trip)
        self.expect_page(page, "/notes/")
        if urlsplit(page.url).path != "/notes/":
            return  # the session was dead: nothing to submit
        self.expire_now(page)
        before = self.snapshot()
        page.fill("#note", note)
        trip = self.click(page, "main button:has-text('Save')")
        self.check_identity(page, before, trip)
        if m.alive:
            final = path_of(page.url)
            self.check(urlsplit(page.url).path == "/notes/", f"the form ended on {final}")
            saved = page.locator("#saved")
            self.check(
                saved.count() == 1 and saved.inner_text() == f"Saved: {note}",
                f"the note was lost: {final} says {page.inner_text('main')[:200]!r}",
            )
            self.check(page.inner_text("#session-handle") == m.handle, "another session")
            m.access = "fresh"
        else:
            self.ends_signed_out_on_sign_in(page, None)

    def describe(self) -> str:
        m = self.model
        if m.handle is None:
            return "signed out"
        return f"{m.access} token, session {'alive' if m.alive else 'revoked'}"


def walk_seed(seed: int, label: str, index: int) -> int:
    """The seed of one walk, derived from the run's seed, so each walk replays alone."""
    return random.Random(f"{seed}:{label}:{index}").randrange(2**32)
