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
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
    REPO,
    WEB_JS_MANIFEST,
    Browser,
    ExampleServer,
    free_port,
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
    return str(path)


def _server_command(kind: str, port: int) -> list[str]:
    if kind == "asgi":
        app = "example_project.asgi:application"
        return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port)]
    return [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]


def _wait_until_serving(server: ExampleServer) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.kind} server exited:\n{server.log_tail()}", pytrace=False)
        try:
            urllib.request.urlopen(server.url + "/", timeout=2).close()
            return
        except urllib.error.HTTPError as exc:
            pytest.fail(f"{server.kind} server answered {exc.code}:\n{server.log_tail()}")
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{server.kind} server did not start:\n{server.log_tail()}", pytrace=False)


@contextlib.contextmanager
def serve_example(
    kind: str, st_core: Any, extra_env: dict[str, str] | None = None
) -> Iterator[ExampleServer]:
    """Run the example project under ``kind`` ("wsgi" or "asgi") on a free port until exit."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "EXAMPLE_SITE_URL": url,
        "SUPERTOKENS_CONNECTION_URI": st_core.url,
        "SUPERTOKENS_API_KEY": st_core.api_key or "",
        "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP": "1",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    label = "-".join([kind, *(extra_env or {}).values()])
    log_path = ARTIFACTS / f"{label}-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _server_command(kind, port),
            cwd=EXAMPLE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ExampleServer(kind, url, process, log_path)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session", params=["wsgi", "asgi"])
def example_server(request: pytest.FixtureRequest, st_core: Any) -> Iterator[ExampleServer]:
    """The example project served on 127.0.0.1, once per server kind for the whole run."""
    with serve_example(request.param, st_core) as server:
        yield server


@contextlib.contextmanager
def open_browser(
    server: ExampleServer, chromium_executable: str, profile: Path
) -> Iterator[Browser]:
    """A fresh headless Chromium on ``server``; requests leaving 127.0.0.1 are recorded and
    aborted, dialogs recorded and dismissed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=server.url,
            viewport={"width": 1000, "height": 640},
        )
        try:
            browser = Browser(context, server)

            def keep_on_host(route: Any) -> None:
                if urlsplit(route.request.url).hostname == HOST:
                    route.fallback()
                else:
                    browser.escapes.append(route.request.url)
                    route.abort()

            context.route("**/*", keep_on_host)
            browser.watch(browser.page)
            yield browser
        finally:
            context.close()


@pytest.fixture
def browser(
    request: pytest.FixtureRequest,
    example_server: ExampleServer,
    chromium_executable: str,
    tmp_path: Path,
) -> Iterator[Browser]:
    """A fresh headless Chromium on the example (see ``open_browser``)."""
    with open_browser(example_server, chromium_executable, tmp_path / "chromium-profile") as b:
        yield b
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            keep_evidence(request.node, b)


def keep_evidence(node: pytest.Item, browser: Browser, suffix: str = "") -> None:
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in node.name + suffix)
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
