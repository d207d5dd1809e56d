"""Split topology in a real Chromium: pages on www.example.test, the SuperTokens API on
api.example.test (two processes, both on 127.0.0.1 through ``--host-resolver-rules``).

- cookie domain ``.example.test``: sign-up on the website, an expired access token is renewed by
  the refresh page calling the API host, and the page comes back signed in;
- no cookie domain (host-only cookies): ``manage.py check`` warns (django_st_ssr.W001), and a
  browser that signed in through the API ends on the loop-guard error page after at most three
  refresh round trips instead of bouncing for ever.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from django_st_ssr.testing import unique_email

from .harness import ARTIFACTS, CHROMIUM_ARGS, EXAMPLE_DIR, REPO, TIMEOUT_MS, off_loop

pytestmark = pytest.mark.browser

WEB_HOST = "www.example.test"
API_HOST = "api.example.test"
PASSWORD = "correct-horse-42"
REFRESH_PATH = "/refresh-session/"


@dataclass
class Site:
    web: str
    api: str
    env: dict[str, str]
    logs: list[Path]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            # The servers only know the example.test names; ask 127.0.0.1 with the Host header.
            parts = urlsplit(url)
            request = urllib.request.Request(
                f"http://127.0.0.1:{parts.port}/", headers={"Host": parts.netloc}
            )
            urllib.request.urlopen(request, timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server did not start:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def serve(cookie_domain: str, st_core: Any, mode: str = "page") -> Iterator[Site]:
    web_port, api_port = _free_port(), _free_port()
    web, api = f"http://{WEB_HOST}:{web_port}", f"http://{API_HOST}:{api_port}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "tests.browser.split_site",
        "SPLIT_WEB_URL": web,
        "SPLIT_API_URL": api,
        "SPLIT_COOKIE_DOMAIN": cookie_domain,
        "ST_REFRESH_MODE": mode,
        "SUPERTOKENS_CONNECTION_URI": st_core.url,
        "SUPERTOKENS_API_KEY": st_core.api_key or "",
        "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP": "1",
        "PYTHONUNBUFFERED": "1",
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    commands = {
        # Pages under WSGI (runserver), the API under ASGI (uvicorn): both kinds in one flow.
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"],
        "api": [
            sys.executable, "-m", "uvicorn", "example_project.asgi:application",
            "--host", "127.0.0.1", "--port", str(api_port),
        ],
    }  # fmt: skip
    processes, logs = [], []
    try:
        for name, command in commands.items():
            log = ARTIFACTS / f"split-{name}-{cookie_domain.strip('.') or 'host-only'}-{mode}.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        command, cwd=EXAMPLE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
                    )
                )
            logs.append(log)
        _wait(web, processes[0], logs[0])
        _wait(api, processes[1], logs[1])
        yield Site(web, api, env, logs)
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(params=["page", "server"])
def shared_domain_site(request: pytest.FixtureRequest, st_core: Any) -> Iterator[Site]:
    with serve(".example.test", st_core, request.param) as site:
        site.mode = request.param  # type: ignore[attr-defined]
        yield site


@pytest.fixture(params=["page", "server"])
def host_only_site(request: pytest.FixtureRequest, st_core: Any) -> Iterator[Site]:
    with serve("", st_core, request.param) as site:
        yield site


@pytest.fixture
def chromium(chromium_executable: str, tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium_executable,
            headless=True,
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP *.example.test 127.0.0.1"],
        )
        context.set_default_timeout(TIMEOUT_MS)

        def stay_local(route: Any) -> None:
            host = urlsplit(route.request.url).hostname or ""
            if host.endswith(".example.test") or host == "127.0.0.1":
                route.fallback()
            else:
                route.abort()

        context.route("**/*", stay_local)
        try:
            yield context
        finally:
            context.close()


def _watch(page: Any) -> tuple[list[str], list[tuple[str, int]]]:
    navigations: list[str] = []
    api_calls: list[tuple[str, int]] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame.parent_frame is None else None,
    )
    page.on(
        "response",
        lambda r: api_calls.append((r.url, r.status)) if "/auth/" in r.url else None,
    )
    return navigations, api_calls


def _on(url: str, path: str, host: str = WEB_HOST) -> bool:
    parts = urlsplit(url)
    return parts.hostname == host and parts.path == path


def test_split_hosts_with_a_shared_cookie_domain(
    chromium: Any, shared_domain_site: Site, st_core: Any
) -> None:
    site = shared_domain_site
    page = chromium.pages[0]
    navigations, api_calls = _watch(page)
    email = unique_email("split")

    page.goto(f"{site.web}/signup/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: _on(url, "/dashboard/"))
    assert page.inner_text("#email") == email
    cookies = {c["name"]: c for c in chromium.cookies()}
    assert cookies["sAccessToken"]["domain"] == ".example.test"
    assert cookies["sRefreshToken"]["domain"] == ".example.test"

    # The access token expires: the refresh page on www renews it through the API host.
    if getattr(st_core, "emulated", False):
        expired = off_loop(st_core.expired_access_token, cookies["sAccessToken"]["value"])
        chromium.add_cookies([{**cookies["sAccessToken"], "value": expired}])
    else:
        chromium.clear_cookies(name="sAccessToken")
    page.goto(f"{site.web}/dashboard/?tab=split", wait_until="commit")
    page.wait_for_url(
        lambda url: _on(url, "/dashboard/") and urlsplit(url).query == "tab=split",
        wait_until="load",
    )
    assert page.inner_text("#email") == email
    refreshes = [status for url, status in api_calls if _on(url, "/auth/session/refresh", API_HOST)]
    if site.mode == "server":  # type: ignore[attr-defined]
        # www -> api (refreshed there, cookies on .example.test) -> www, no refresh page.
        assert not any(_on(url, REFRESH_PATH) for url in navigations)
        assert refreshes == [302]
        assert {c["name"]: c["domain"] for c in chromium.cookies()}["sFrontToken"] == (
            ".example.test"
        )
    else:
        assert any(_on(url, REFRESH_PATH) for url in navigations)
        assert refreshes == [200]
    assert not [url for url in navigations if "signin" in url]


def test_wrong_cookie_domain_warns_and_ends_on_the_error_page(
    chromium: Any, host_only_site: Site
) -> None:
    site = host_only_site
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=EXAMPLE_DIR,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "django_st_ssr.W001" in check.stdout + check.stderr

    page = chromium.pages[0]
    navigations, api_calls = _watch(page)
    page.goto(f"{site.web}/")
    # Sign up through the API host, as a SuperTokens frontend would: host-only cookies land on
    # api.example.test and never reach the pages on www.example.test.
    body = {
        "formFields": [
            {"id": "email", "value": unique_email("split")},
            {"id": "password", "value": PASSWORD},
        ]
    }
    status = page.evaluate(
        """async ([url, body]) => (await fetch(url, {
            method: "POST", credentials: "include", body: JSON.stringify(body),
            headers: {"content-type": "application/json", "rid": "emailpassword",
                      "st-auth-mode": "cookie"}})).status""",
        [f"{site.api}/auth/signup", body],
    )
    assert status == 200
    assert {c["domain"] for c in chromium.cookies()} == {API_HOST}

    page.goto(f"{site.web}/dashboard/", wait_until="commit")
    # Either mode: each trip refreshes (on the API host) and comes back without a session.
    page.wait_for_url(lambda url: _on(url, REFRESH_PATH) and "error=loop" in url)
    page.wait_for_load_state()
    assert "We cannot keep you signed in" in page.inner_text("main")
    # It stays there: no more navigations, and at most three refresh round trips happened.
    settled = len(navigations)
    page.wait_for_timeout(1500)
    assert len(navigations) == settled
    # Page mode: visits of the refresh page; server mode: redirects through the API's refresh
    # path (redirects commit no navigation, so they are counted from the responses).
    round_trips = [url for url in navigations if _on(url, REFRESH_PATH) and "error" not in url]
    round_trips += [
        url
        for url, status in api_calls
        if _on(url, "/auth/session/refresh", API_HOST) and status == 302
    ]
    assert 1 <= len(round_trips) <= 3, navigations
    print(
        f"\n[split] wrong cookie domain: {len(round_trips)} refresh round trips, "
        f"{len(api_calls)} API calls, then the error page"
    )
