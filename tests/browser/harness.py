"""The browser-test harness: where things are, the served example, the browser and its watchers."""

from __future__ import annotations

import os
import socket
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "example_project"
ARTIFACTS = REPO / "test-artifacts" / "browser"
WEB_JS_MANIFEST = (
    REPO / "django_st_ssr/static/django_st_ssr/vendor/supertokens-web-js/manifest.json"
)
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
