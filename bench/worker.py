"""One benchmark variant in its own process, driven by bench/run.py over stdin/stdout.

Each line in is a JSON command; each line out is a JSON answer. Requests go straight into
Django's WSGIHandler (a crafted environ) or ASGIHandler (a crafted scope): no sockets, no server.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import sys
import time
from typing import Any

import django

django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

wsgi_handler = WSGIHandler()
asgi_handler = ASGIHandler()
loop = asyncio.new_event_loop()


def wsgi_environ(path: str, cookie: str) -> dict[str, Any]:
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
        "HTTP_ACCEPT": "text/html",
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def wsgi_batch(path: str, cookie: str, n: int) -> tuple[float, float, int, bytes]:
    base = wsgi_environ(path, cookie)
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


def asgi_scope(path: str, cookie: str) -> dict[str, Any]:
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
            (b"accept", b"text/html"),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def asgi_batch(path: str, cookie: str, n: int) -> tuple[float, float, int, bytes]:
    scope = asgi_scope(path, cookie)
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
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Future()  # no disconnect; Django cancels this when done
            raise AssertionError("unreachable")

        await asgi_handler(dict(scope), receive, send)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, status, body


def run(handler: str, path: str, cookie: str, n: int) -> tuple[float, float, int, bytes]:
    gc.collect()
    if handler == "wsgi":
        return wsgi_batch(path, cookie, n)
    return loop.run_until_complete(asgi_batch(path, cookie, n))


def main() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        elapsed, cpu, status, body = run(
            command["handler"], command["path"], command["cookie"], command["n"]
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
