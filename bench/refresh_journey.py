"""The refresh as a visitor meets it, in Chromium: server-side refresh vs the JavaScript page.

    .venv/bin/python bench/refresh_journey.py            # 25 refreshes per mode, runserver
    .venv/bin/python bench/refresh_journey.py --server asgi --refreshes 40
    .venv/bin/python bench/refresh_journey.py --cold     # the HTTP cache emptied before each

Two copies of the example project run side by side (``ST_REFRESH_MODE=server`` and ``=page``)
against one core: the emulated one started here, or the real one named by ``ST_CORE_URI``
(``ST_CORE_API_KEY``). One headless Chromium signs up on each, then, interleaving the modes,
lets the access token expire and opens ``/dashboard/?tab=x`` again, measuring from the start
of that navigation to the load of the dashboard shown again: the requests the browser made
(network and cache), the bytes it received over the network (headers and bodies, as Chromium
counts them) and the milliseconds. Every refresh is checked (same session, new access token,
the page asked for) before it counts. Caches are warm (one unmeasured refresh per mode first),
as for a visitor coming back to the site, unless ``--cold`` empties the HTTP cache before each
refresh (a first visit to the refresh page then downloads supertokens-web-js). Medians are
printed; nothing here asserts on time.

Expiry: with the emulated core the access token cookie is replaced by a validly signed copy
whose ``exp`` has passed; a real core cannot mint one, so the cookie is dropped (the SDK then
answers "unauthorised" instead of "try refresh"; both lead to the same refresh).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
HOST = "127.0.0.1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MODES = ("server", "page")
TARGET = "/dashboard/?tab=x"
PASSWORD = "correct-horse-42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def example_server(kind: str, mode: str, core_url: str, api_key: str | None) -> Iterator[str]:
    port = free_port()
    url = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "EXAMPLE_SITE_URL": url,
        "SUPERTOKENS_CONNECTION_URI": core_url,
        "SUPERTOKENS_API_KEY": api_key or "",
        "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP": "1",
        "ST_REFRESH_MODE": mode,
        # A production-like example: no debug pages; static files still served by the app.
        "PYTHONUNBUFFERED": "1",
    }
    if kind == "asgi":
        command = [sys.executable, "-m", "uvicorn", "example_project.asgi:application"]
        command += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
    else:
        command = [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=EXAMPLE, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url + "/", timeout=2).close()
                    break
                except OSError as exc:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(
                            f"{kind} ({mode}) did not start:\n{log.read()!r}"
                        ) from exc
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass
class Sample:
    requests: int = 0
    from_cache: int = 0
    documents: int = 0
    bytes: int = 0
    ms: float = 0.0


@dataclass
class Recorder:
    """Network events of one tab, from the Chrome DevTools Protocol."""

    requests: dict[str, dict[str, Any]] = field(default_factory=dict)

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.requestServedFromCache", self.cached)
        cdp.on("Network.responseReceived", self.received)
        cdp.on("Network.loadingFinished", self.finished)

    def sent(self, event: dict[str, Any]) -> None:
        entry = self.requests.setdefault(event["requestId"], {"hops": 0, "bytes": 0})
        # A redirect reuses the request id: each hop is one more request.
        entry["hops"] += 1
        entry["document"] = event.get("type") == "Document"
        entry.setdefault("cached", False)
        if "redirectResponse" in event:
            entry["bytes"] += int(event["redirectResponse"].get("encodedDataLength", 0))

    def cached(self, event: dict[str, Any]) -> None:
        self.requests.setdefault(event["requestId"], {"hops": 0, "bytes": 0})["cached"] = True

    def received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.requests.setdefault(event["requestId"], {"hops": 0, "bytes": 0})["cached"] = True

    def finished(self, event: dict[str, Any]) -> None:
        entry = self.requests.setdefault(event["requestId"], {"hops": 0, "bytes": 0})
        entry["bytes"] += int(event.get("encodedDataLength", 0))

    def sample(self, ms: float) -> Sample:
        result = Sample(ms=ms)
        for entry in self.requests.values():
            result.requests += entry["hops"]
            result.documents += entry["hops"] if entry.get("document") else 0
            if entry.get("cached"):
                result.from_cache += 1
            else:
                result.bytes += entry["bytes"]
        return result


def session_handle(context: Any) -> str | None:
    for cookie in context.cookies():
        if cookie["name"] == "sAccessToken":
            payload = cookie["value"].split(".")[1]
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return str(data["sessionHandle"])
    return None


def access_token(context: Any) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "sAccessToken"), None)


class Visitor:
    """One signed-up visitor of one example server, in its own browser context."""

    def __init__(self, browser: Any, url: str, mode: str, core: Any, cold: bool) -> None:
        self.mode, self.core, self.cold = mode, core, cold
        self.context = browser.new_context(base_url=url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.goto("/signup/")
        self.page.fill("#id_email", f"bench-{uuid.uuid4().hex[:12]}@example.com")
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        if urlsplit(self.page.url).path != "/dashboard/":
            raise RuntimeError(f"sign-up ended on {self.page.url}")
        self.handle = session_handle(self.context)
        self.recorder = Recorder()
        self.cdp = self.context.new_cdp_session(self.page)
        self.recorder.attach(self.cdp)
        self.cdp.send("Network.enable")

    def expire(self) -> None:
        # An access token lives far longer than the loop guard's window (REFRESH_WINDOW): by the
        # time it expires, the guard's counters (a cookie, and sessionStorage on the refresh
        # page) are gone. Back to back refreshes here must not look like a loop.
        self.context.clear_cookies(name="st_ssr_refresh")
        self.page.evaluate("window.sessionStorage.clear()")
        token = access_token(self.context)
        assert token
        if self.core is not None:
            cookie = {"name": "sAccessToken", "value": self.core.expired_access_token(token)}
            cookie.update(domain=HOST, path="/", httpOnly=True, sameSite="Lax")
            self.context.add_cookies([cookie])
        else:
            self.context.clear_cookies(name="sAccessToken")

    def refresh(self) -> Sample:
        self.expire()
        before = access_token(self.context)
        if self.cold:
            self.cdp.send("Network.clearBrowserCache")
        self.recorder.requests.clear()
        start = time.perf_counter()
        self.page.goto(TARGET, wait_until="commit")
        try:
            self.page.wait_for_url(lambda url: path_of(url) == TARGET, wait_until="load")
        except Exception as exc:
            text = self.page.inner_text("body")[:300]
            raise RuntimeError(f"{self.mode}: ended on {self.page.url}: {text!r}") from exc
        elapsed = (time.perf_counter() - start) * 1000
        self.page.wait_for_timeout(100)  # let the last DevTools events arrive
        # It counts only if it was a refresh of the same session that showed the page asked for.
        if self.page.inner_text("#tab") != "Tab: x":
            raise RuntimeError(f"{self.mode}: the dashboard did not come back: {self.page.url}")
        if session_handle(self.context) != self.handle or access_token(self.context) == before:
            raise RuntimeError(f"{self.mode}: not a refresh of the same session")
        return self.recorder.sample(elapsed)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def table(samples: dict[str, list[Sample]]) -> str:
    rows = [
        ("refresh", "requests", "from cache", "documents", "bytes received", "ms median", "ms p90")
    ]
    names = {"server": "server-side (GET redirect)", "page": "JavaScript refresh page"}
    for mode, series in samples.items():
        ms = sorted(s.ms for s in series)
        p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
        rows.append(
            (
                names[mode],
                f"{statistics.median(s.requests for s in series):g}",
                f"{statistics.median(s.from_cache for s in series):g}",
                f"{statistics.median(s.documents for s in series):g}",
                f"{statistics.median(s.bytes for s in series):,.0f}",
                f"{statistics.median(ms):.0f}",
                f"{p90:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rule = "  ".join("=" * w for w in widths)
    lines = [
        rule,
        "  ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)).rstrip(),
        rule,
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows[1:]
    ]
    return "\n".join([*lines, rule])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=25, help="per mode (default 25)")
    parser.add_argument("--server", choices=("wsgi", "asgi"), default="wsgi")
    parser.add_argument("--cold", action="store_true", help="empty the HTTP cache before each")
    args = parser.parse_args()
    if args.refreshes < 1:
        parser.error("--refreshes must be at least 1")

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    core_url = os.environ.get("ST_CORE_URI", "").strip()
    api_key = os.environ.get("ST_CORE_API_KEY") or None
    with ExitStack() as stack:
        core = None
        if not core_url:
            from django_st_ssr.testing import EmulatedCore

            core = stack.enter_context(EmulatedCore(api_key=api_key))
            core_url = core.url
        urls = {
            mode: stack.enter_context(example_server(args.server, mode, core_url, api_key))
            for mode in MODES
        }
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        stack.callback(browser.close)
        visitors = {mode: Visitor(browser, urls[mode], mode, core, args.cold) for mode in MODES}
        for visitor in visitors.values():
            visitor.refresh()  # warm the caches; not counted
        samples: dict[str, list[Sample]] = {mode: [] for mode in MODES}
        for index in range(args.refreshes):
            # Interleaved, and the order alternates, so load on the machine hits both alike.
            for mode in MODES if index % 2 == 0 else MODES[::-1]:
                samples[mode].append(visitors[mode].refresh())
    core_name = "emulated core" if core is not None else "real core (ST_CORE_URI)"
    print(
        f"Expired access token -> {TARGET} shown again; {args.refreshes} refreshes per mode, "
        f"{args.server} ({'runserver' if args.server == 'wsgi' else 'uvicorn'}), {core_name}, "
        f"Chromium headless, {'cold' if args.cold else 'warm'} cache, medians:"
    )
    print(table(samples))


if __name__ == "__main__":
    main()
