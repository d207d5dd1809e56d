"""The browser-test harness: where things are, the served example, the browser and its watchers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "example_project"
ARTIFACTS = REPO / "test-artifacts" / "browser"
WEB_JS_MANIFEST = (
    REPO / "django_st_ssr/static/django_st_ssr/vendor/supertokens-web-js/manifest.json"
)
# The example's self-hosted htmx (scripts/vendor_htmx.py).
HTMX_MANIFEST = EXAMPLE_DIR / "pages/static/vendor/htmx.org/manifest.json"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
# Web pages here settle within a second or two; anything slower is a failure worth seeing.
TIMEOUT_MS = 15_000

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class ExampleServer:
    kind: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Browser:
    """One Chromium with a fresh profile, plus what the tests need to watch it."""

    context: Any
    server: ExampleServer
    # Every URL a tab navigated to, in order, across all tabs.
    navigations: list[str] = field(default_factory=list)
    # Requests that tried to leave 127.0.0.1 (they are aborted).
    escapes: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    # Console messages about a Content-Security-Policy violation.
    csp_violations: list[str] = field(default_factory=list)

    @property
    def page(self) -> Any:
        return self.context.pages[0]

    def new_page(self) -> Any:
        page = self.context.new_page()
        self.watch(page)
        return page

    def watch(self, page: Any) -> None:
        page.set_default_timeout(TIMEOUT_MS)
        page.on(
            "framenavigated",
            lambda frame: (
                self.navigations.append(frame.url) if frame.parent_frame is None else None
            ),
        )

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                self.csp_violations.append(message.text)

        page.on("console", on_console)

    def cookie(self, name: str) -> str | None:
        for cookie in self.context.cookies():
            if cookie["name"] == name:
                return str(cookie["value"])
        return None

    def set_cookie(self, name: str, value: str) -> None:
        self.context.add_cookies(
            [
                {
                    "name": name,
                    "value": value,
                    "domain": HOST,
                    "path": "/",
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    def path(self, page: Any = None) -> str:
        """Path and query of the page's current URL."""
        parts = urlsplit((page or self.page).url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


# Threads without Playwright's loop: for SDK calls, and for requests racing the browser's.
_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="browser-tests")


def in_background(fn: Callable[..., T], *args: Any) -> Future[T]:
    return _workers.submit(fn, *args)


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` (e.g. a supertokens_python.syncio call) in a thread without Playwright's loop."""
    return in_background(fn, *args).result(timeout=30)


def _server_command(kind: str, port: int) -> list[str]:
    if kind == "asgi":
        app = "example_project.asgi:application"
        return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port)]
    return [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]


def _wait_until_serving(server: ExampleServer) -> None:
    import pytest

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
    kind: str, core: Any, mode: str = "server", settings: str = "example_project.settings"
) -> Iterator[ExampleServer]:
    """The example project on a free port of 127.0.0.1: ``kind`` "wsgi" (runserver) or "asgi"
    (uvicorn), ``mode`` its REFRESH_MODE (the ``ST_REFRESH_MODE`` environment variable),
    ``settings`` the settings module (one extending the example's)."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": settings,
        "EXAMPLE_SITE_URL": url,
        "ST_REFRESH_MODE": mode,
        "SUPERTOKENS_CONNECTION_URI": core.url,
        "SUPERTOKENS_API_KEY": core.api_key or "",
        "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP": "1",
        "PYTHONUNBUFFERED": "1",
    }
    # Its own migrated SQLite file: user rows and orders of the Django-auth pages.
    database = Path(tempfile.mkdtemp(prefix="st-ssr-example-")) / "db.sqlite3"
    env["EXAMPLE_DATABASE"] = str(database)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=EXAMPLE_DIR, env=env, check=True, timeout=120,
    )  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"{kind}-{mode}-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _server_command(kind, port), cwd=EXAMPLE_DIR, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
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
        shutil.rmtree(database.parent, ignore_errors=True)
