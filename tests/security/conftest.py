"""Shared oracles for the security tests: what a safe response is, and logs free of secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from django.utils.http import url_has_allowed_host_and_scheme

REFRESH_PATH = "/refresh-session/"
LOGIN_PATH = "/login/"
HOST = "testserver"

# Every page of tests/security/urls.py that a hostile request is thrown at.
PAGES = ("/page/", "/apage/", "/optional/", "/database/", "/adatabase/", "/", "/ahome/")
PROTECTED = ("/page/", "/apage/", "/database/", "/adatabase/")


# Shorter values are not looked for in the logs (see LogSink.assert_free_of).
MIN_SECRET_LENGTH = 24


class LogSink(logging.Handler):
    """Every record of every logger, formatted as a handler would write it (with tracebacks)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def assert_free_of(self, secrets: Iterable[str]) -> None:
        text = "\n".join(self.lines)
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                # A short forged value (hypothesis drew "TRY_REFRESH_TOKE") can be a word of the
                # SDK's own log messages; real tokens are hundreds of characters long.
                continue
            for form in _forms(secret):
                assert form not in text, f"a token/cookie value reached the logs: {form[:40]}..."


def _forms(secret: str) -> set[str]:
    """The ways a value could be written into a log line: raw, JSON-escaped, URL-(un)quoted."""
    forms = {secret, json.dumps(secret)[1:-1], unquote(secret)}
    # A JWT leaks as soon as its payload or signature part does.
    parts = secret.split(".")
    if len(parts) == 3:
        forms.update(part for part in parts[1:] if len(part) >= 16)
    # Short values (a few characters of hypothesis garbage) occur in any text by chance.
    return {form for form in forms if len(form) >= 16}


@pytest.fixture
def log_sink() -> Iterator[LogSink]:
    """Capture every logger at DEBUG: the SDK's ("com.supertokens"), Django's, ours, the root."""
    sink = LogSink()
    names = ["", "django", "django.request", "django.server", "django_st_ssr", "com.supertokens"]
    names += list(logging.root.manager.loggerDict)
    saved = []
    for name in dict.fromkeys(names):
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.disabled))
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.getLogger().addHandler(sink)
    # The SDK's own handler would print every debug line to stderr; keep pytest output readable.
    sdk = logging.getLogger("com.supertokens")
    sdk_propagate = sdk.propagate
    sdk_handlers, sdk.handlers = sdk.handlers, [sink]
    sdk.propagate = False
    try:
        yield sink
    finally:
        sdk.handlers, sdk.propagate = sdk_handlers, sdk_propagate
        logging.getLogger().removeHandler(sink)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


def location_is_on_site(location: str) -> bool:
    """A Location the browser resolves to this site, with no tricks a browser would reinterpret."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in location) or "\\" in location:
        return False
    parts = urlsplit(location)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", HOST):
        return False
    # Django refuses URLs over 2048 characters outright; the prefix is what decides the host.
    return url_has_allowed_host_and_scheme(location[:2000], allowed_hosts={HOST})


def assert_safe(response: object, *, user: str | None = None, path: str = "") -> str:
    """Assert ``response`` is one of the safe answers; return which ("page", "refresh", ...).

    Safe: the page itself (anonymous, or signed in as ``user`` and nobody else), a redirect to our
    own refresh or login page, a 401/403. Never a 5xx, never an off-site Location.
    """
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, f"{path}: HTTP {status}"
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]  # type: ignore[index]
        assert location_is_on_site(location), f"{path}: off-site Location {location!r}"
        target = urlsplit(location).path
        assert target in (REFRESH_PATH, LOGIN_PATH), f"{path}: redirect to {location!r}"
        for _name, value in parse_qsl(urlsplit(location).query):
            if _name in ("redirectBack", "next"):
                assert location_is_on_site(value), f"{path}: unsafe target {value!r}"
        return "refresh" if target == REFRESH_PATH else "login"
    if status in (401, 403):
        return str(status)
    assert status == 200, f"{path}: HTTP {status}"
    body = response.content.decode()  # type: ignore[attr-defined]
    allowed = {"anonymous"} | ({f"user:{user}"} if user else set())
    assert body in allowed, f"{path}: page shows {body[:80]!r}, allowed {allowed}"
    return "page"


class RawResponse:
    """Enough of a response for ``assert_safe``: status, headers, body."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}
        self.content = body

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def __contains__(self, name: str) -> bool:
        return name.lower() in self.headers


def asgi_get(path: str, headers: list[tuple[bytes, bytes]]) -> RawResponse:
    """GET ``path`` through Django's ASGIHandler with exactly these raw header bytes.

    The test AsyncClient joins its own cookie header with a given one using ","; a real ASGI
    server hands over the bytes the browser sent, which is what this does.
    """
    import asyncio

    from django.core.handlers.asgi import ASGIHandler

    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", HOST.encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": (HOST, 80),
    }
    sent: list[dict[str, object]] = []
    received: list[bool] = []

    async def receive() -> dict[str, object]:
        if not received:
            received.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        # The client stays connected: Django cancels this wait when the response is sent.
        await asyncio.Future()
        raise AssertionError("unreachable")

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(ASGIHandler()(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    return RawResponse(int(start["status"]), list(start.get("headers", [])), body)  # type: ignore[arg-type,call-overload]
