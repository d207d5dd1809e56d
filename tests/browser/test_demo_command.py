"""``python manage.py demo`` (what ``make demo`` runs): core and server up, URL printed, all
stopped on SIGTERM. Plain HTTP, no browser."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from .harness import EXAMPLE_DIR, HOST, REPO, free_port


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), ""


@pytest.mark.emulator_only(reason="`make demo` starts its own emulated core")
@pytest.mark.parametrize("server", ["wsgi", "asgi"])
def test_demo_starts_the_emulated_core_and_the_example(server: str) -> None:
    port, core_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
        # pytest-django exported the test settings; the demo runs with the example's own.
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
    }
    env.pop("SUPERTOKENS_CONNECTION_URI", None)
    env.pop("ST_REFRESH_MODE", None)
    command = [sys.executable, "manage.py", "demo", "--port", str(port)]
    command += ["--core-port", str(core_port), *(["--asgi"] if server == "asgi" else [])]
    demo = subprocess.Popen(
        command,
        cwd=EXAMPLE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("Server:"):
                break
        text = "".join(output)
        assert f"Open http://{HOST}:{port}/ in your browser." in text, text
        assert f"SuperTokens core: emulated, in memory, at http://{HOST}:{core_port}" in text
        assert "access tokens live 30 s" in text
        assert "Refresh mode: server" in text

        status, _, body = _get(f"http://{HOST}:{port}/")
        assert status == 200
        assert "<h1>Welcome</h1>" in body
        status, location, _ = _get(f"http://{HOST}:{port}/dashboard/?tab=x")
        assert status == 302
        # The default: refreshed on the server, at the SDK's refresh path.
        assert location == "/auth/session/refresh?redirectBack=/dashboard/%3Ftab%3Dx"
        # The emulated core answers on its port.
        status, _, body = _get(f"http://{HOST}:{core_port}/hello")
        assert (status, body.strip()) == (200, "Hello")
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=20)

    # Server and core went away with the command.
    for stopped in (port, core_port):
        with socket.socket() as sock:
            assert sock.connect_ex((HOST, stopped)) != 0
