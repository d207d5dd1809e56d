"""Real-browser tests: Debian's Chromium, driven by Playwright, against the example project.

The example runs in a subprocess under a real server on 127.0.0.1 (runserver for WSGI, uvicorn for
ASGI; every test runs once per server) and talks to the same SuperTokens core as this test process
(``st_core``: the emulated core, or the real one named by ``ST_CORE_URI``). Each test gets its own
Chromium with a fresh profile.

Playwright's sync API marks its asyncio loop as running on the main thread while it is started, so
it is started per test (the rest of the suite must not inherit that loop) and SDK calls from a
test go through ``harness.off_loop``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from . import journeys
from .harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    EXAMPLE_DIR,
    HOST,
    HTMX_MANIFEST,
    REPO,
    WEB_JS_MANIFEST,
    Browser,
    ExampleServer,
    serve_example,
)

_outcomes: Counter[str] = Counter()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Read by the browser fixture's teardown, to keep a screenshot of a failed test.
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _outcomes[report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    # .ci/run reads this to prove the browser tests really ran (not skipped, not deselected).
    path = os.environ.get("BROWSER_TESTS_REPORT")
    if path:
        Path(path).write_text(json.dumps(dict(_outcomes)), encoding="utf-8")


def _missing(reason: str) -> None:
    # On CI the browser tests are the point: a missing prerequisite fails instead of skipping.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = shutil.which(CHROMIUM)
    if path is None:
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not WEB_JS_MANIFEST.exists():
        _missing("supertokens-web-js is not vendored (npm ci && python scripts/vendor_webjs.py)")
    if not HTMX_MANIFEST.exists():
        _missing("the example's htmx is not vendored (python scripts/vendor_htmx.py)")
    return str(path)


@pytest.fixture(scope="session", params=["wsgi", "asgi"])
def example_server(request: pytest.FixtureRequest, st_core: Any) -> Iterator[ExampleServer]:
    """The example project served on 127.0.0.1, once per server kind for the whole run.

    These single-scenario tests describe the JavaScript refresh page (REFRESH_MODE "page");
    test_refresh_modes.py serves the example in both modes.
    """
    with serve_example(request.param, st_core, "page") as server:
        yield server


@pytest.fixture
def browser(
    request: pytest.FixtureRequest,
    example_server: ExampleServer,
    chromium_executable: str,
    tmp_path: Path,
) -> Iterator[Browser]:
    """A fresh headless Chromium on the example; requests leaving 127.0.0.1 are recorded and
    aborted, dialogs recorded and dismissed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=example_server.url,
            viewport={"width": 1000, "height": 640},
        )
        try:
            browser = Browser(context, example_server)

            def keep_on_host(route: Any) -> None:
                if urlsplit(route.request.url).hostname == HOST:
                    route.fallback()
                else:
                    browser.escapes.append(route.request.url)
                    route.abort()

            context.route("**/*", keep_on_host)
            browser.watch(browser.page)
            yield browser
            report = getattr(request.node, "report_call", None)
            if report is not None and report.failed:
                _keep_evidence(request.node, browser)
        finally:
            context.close()


def _keep_evidence(node: pytest.Item, browser: Browser) -> None:
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in node.name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(browser.context.pages):
        # A crashed tab must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}-tab{index}.png"))
    print(f"navigations: {browser.navigations}")
    print(f"server log ({browser.server.kind}):\n{browser.server.log_tail()}")


def pytest_report_header() -> list[str]:
    return [
        f"browser tests: {CHROMIUM}, example served from {EXAMPLE_DIR.relative_to(REPO)}",
        f"journeys: JOURNEY_SEED={journeys.SEED}, {journeys.WALKS} walks x {journeys.STEPS} steps",
    ]
