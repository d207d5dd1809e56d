"""One benchmark variant in its own process, driven by bench/run.py over stdin/stdout.

Each line in is a JSON command; each line out is a JSON answer. Requests go straight into
Django's WSGIHandler (a crafted environ) or ASGIHandler (a crafted scope): no sockets, no server.

``worker.py --count SPEC`` instead serves one row of bench/instructions.py under callgrind:
warm-up requests first, then the counted ones between the marks of bench/callgrind_marks.c.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import io
import json
import sys
import time
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

import django

django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

wsgi_handler = WSGIHandler()
asgi_handler = ASGIHandler()
loop = asyncio.new_event_loop()
# Set while a row of several steps is counted: called after each step, so that every step's
# instructions land in a dump of their own (bench/instructions.py reports them per step).
after_step: Callable[[], None] | None = None


def wsgi_environ(path: str, cookie: str, accept: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost:8000",
        "HTTP_ACCEPT": accept,
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def wsgi_batch(path: str, cookie: str, accept: str, n: int) -> tuple[float, float, int, bytes]:
    base = wsgi_environ(path, cookie, accept)
    status: list[str] = []

    def start_response(s: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(s)
        return None

    body = b""
    cpu_started, started = time.process_time(), time.perf_counter()
    for _ in range(n):
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(b"")
        response = wsgi_handler(environ, start_response)
        body = b"".join(response)
        response.close()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, int(status[-1].split()[0]), body


def asgi_scope(path: str, cookie: str, accept: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost:8000"),
            (b"accept", accept.encode()),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def empty_body() -> Callable[[], Awaitable[dict[str, Any]]]:
    """An ASGI ``receive`` for one request: its empty body, then no disconnect."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Future()  # Django cancels this wait when the response is sent
        raise AssertionError("unreachable")

    return receive


async def asgi_batch(
    path: str, cookie: str, accept: str, n: int
) -> tuple[float, float, int, bytes]:
    scope = asgi_scope(path, cookie, accept)
    status = 0
    body = b""

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")

    cpu_started, started = time.process_time(), time.perf_counter()
    for _ in range(n):
        await asgi_handler(dict(scope), empty_body(), send)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, status, body


def run(
    handler: str, path: str, cookie: str, accept: str, n: int
) -> tuple[float, float, int, bytes]:
    gc.collect()
    if handler == "wsgi":
        return wsgi_batch(path, cookie, accept, n)
    return loop.run_until_complete(asgi_batch(path, cookie, accept, n))


# -- instruction counts (bench/instructions.py) ------------------------------------------------

Answer = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body


def wsgi_once(method: str, url: str, cookie: str, accept: str) -> Answer:
    path, _, query = url.partition("?")
    environ = wsgi_environ(path, cookie, accept)
    environ["REQUEST_METHOD"] = method
    environ["QUERY_STRING"] = query
    environ["wsgi.input"] = io.BytesIO(b"")
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append((status, headers))
        return None

    response = wsgi_handler(environ, start_response)
    body = b"".join(response)
    response.close()
    status, headers = started[-1]
    return int(status[:3]), headers, body


async def asgi_once(method: str, url: str, cookie: str, accept: str) -> Answer:
    path, _, query = url.partition("?")
    scope = asgi_scope(path, cookie, accept)
    scope["method"] = method
    scope["query_string"] = query.encode()
    answer: dict[str, Any] = {"status": 0, "headers": [], "body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = [(k.decode(), v.decode()) for k, v in message["headers"]]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await asgi_handler(scope, empty_body(), send)
    return answer["status"], answer["headers"], answer["body"]


def carry_cookies(jar: dict[str, str], headers: list[tuple[str, str]]) -> None:
    """Keep what a response sets, drop what it deletes (a browser's jar, paths ignored)."""
    for name, value in headers:
        if name.lower() != "set-cookie":
            continue
        for morsel in SimpleCookie(value).values():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                jar.pop(morsel.key, None)
            else:
                jar[morsel.key] = morsel.value


def parse_cookie_header(cookie: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in cookie.split("; ") if "=" in item)
    return {name: value for name, value in pairs}


def run_steps(spec: dict[str, Any], cookie: str, check: list[tuple[Any, ...]]) -> None:
    """One iteration of a WSGI row: every step in order, each answer noted for checking later."""
    jar = parse_cookie_header(cookie) if spec["carry"] else None
    for step in spec["steps"]:
        if jar is not None:
            cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        status, headers, body = wsgi_once(step["method"], step["path"], cookie, step["accept"])
        if after_step is not None:
            after_step()
        check.append((step, status, body))
        if jar is not None:
            carry_cookies(jar, headers)


async def arun_steps(spec: dict[str, Any], cookie: str, check: list[tuple[Any, ...]]) -> None:
    """The same for an ASGI row."""
    jar = parse_cookie_header(cookie) if spec["carry"] else None
    for step in spec["steps"]:
        if jar is not None:
            cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        status, headers, body = await asgi_once(
            step["method"], step["path"], cookie, step["accept"]
        )
        if after_step is not None:
            after_step()
        check.append((step, status, body))
        if jar is not None:
            carry_cookies(jar, headers)


def iterations(spec: dict[str, Any], first: int, n: int, check: list[tuple[Any, ...]]) -> None:
    cookies = spec["cookies"]  # one per iteration, reused round-robin when fewer
    if spec["handler"] == "wsgi":
        for i in range(first, first + n):
            run_steps(spec, cookies[i % len(cookies)], check)
        return

    async def batch() -> None:
        for i in range(first, first + n):
            await arun_steps(spec, cookies[i % len(cookies)], check)

    loop.run_until_complete(batch())


def count(spec: dict[str, Any]) -> dict[str, Any]:
    """Run a row's warm-up, then count its window; every response's status is checked after."""
    global after_step
    marks = ctypes.CDLL(spec["marks"])
    check: list[tuple[Any, ...]] = []
    iterations(spec, 0, spec["warm_up"], check)
    gc.collect()
    # Counted in blocks: each dump holds one block's instructions (they vary how much?).
    # A row of several steps instead dumps after every step (the blocks are then the sums of
    # their steps' dumps; the little between one iteration's last step and the next iteration's
    # first is counted with that first step).
    size = spec["window"] // spec["blocks"]
    per_step = len(spec["steps"]) > 1
    marks.bench_start()
    if per_step:
        after_step = marks.bench_dump
    for block in range(spec["blocks"]):
        iterations(spec, spec["warm_up"] + block * size, size, check)
        if not per_step:
            marks.bench_dump()
    after_step = None
    marks.bench_stop()
    for n, (step, status, body) in enumerate(check):
        if status != step["status"] or not body.startswith(step["body"].encode()):
            raise RuntimeError(
                f"response {n}: {step['method']} {step['path']} answered {status} {body[:200]!r}, "
                f"not {step['status']} {step['body']!r}"
            )
    return {"iterations": spec["window"], "checked": len(check)}


def main() -> None:
    if sys.argv[1:2] == ["--count"]:
        spec = sys.argv[2]
        if spec.startswith("@"):
            spec = open(spec[1:]).read()  # noqa: SIM115 (tiny file, read once)
        print(json.dumps(count(json.loads(spec))))
        return
    for line in sys.stdin:
        command = json.loads(line)
        elapsed, cpu, status, body = run(
            command["handler"], command["path"], command["cookie"], command["accept"], command["n"]
        )
        answer = {
            "us": elapsed / command["n"] * 1e6,
            # Time this process spent on the CPU (all its threads): unlike wall-clock time it
            # barely moves when other processes compete for the machine.
            "cpu_us": cpu / command["n"] * 1e6,
            "status": status,
            "body": body.decode(errors="replace")[:200],
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
