"""``manage.py demo`` (example project) with its ports taken: the message names the fix, and a
taken default core port is replaced by a free one."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "example_project"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))
    from pages.management.commands.demo import Command

    return Command(stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_taken_default_core_port_is_replaced_by_a_free_one(demo, taken_port, settings):
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "CONNECTION_URI": f"http://127.0.0.1:{taken_port}",
    }
    core = demo.start_emulated_core(None, 30)
    try:
        assert not core.url.endswith(f":{taken_port}")
        with urllib.request.urlopen(core.url + "/hello", timeout=10) as response:
            assert response.read().strip() == b"Hello"
        message = demo.stderr.getvalue()
        assert f"Port {taken_port} is in use" in message
        assert f"takes port {core.url.rsplit(':', 1)[1]} instead" in message
        assert "--core-port" in message
    finally:
        core.stop()


def test_taken_chosen_core_port_fails_naming_the_option(demo, taken_port):
    with pytest.raises(CommandError, match="--core-port") as caught:
        demo.start_emulated_core(taken_port, 30)
    assert f"port {taken_port}" in str(caught.value)


def test_taken_site_port_fails_naming_the_fix(demo, taken_port):
    with pytest.raises(CommandError) as caught:
        demo.check_port_free("127.0.0.1", taken_port)
    message = str(caught.value)
    assert f"Port {taken_port} on 127.0.0.1 is in use" in message
    assert f"PORT={taken_port + 1} make demo" in message
    assert f"--port {taken_port + 1}" in message


def test_free_site_port_passes(demo):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo.check_port_free("127.0.0.1", port)  # no exception: the port was released
