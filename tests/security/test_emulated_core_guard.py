"""The emulated core never serves a deployment by accident.

It is unauthenticated and in memory (anyone who reaches it can mint a session for any user), so:
settings outside a test run only reach it when explicitly asked (``ST_CORE_EMULATOR=1``);
``manage.py check --deploy`` fails on it (E008); ``supertokens_status`` says "emulated".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from django_st_ssr import checks

ROOT = Path(__file__).resolve().parents[2]
# What a production settings module that copied the test settings would run at import.
READ_URI = (
    "from django_st_ssr.testing import core_uri_from_env_or_emulator\n"
    "print('URI', core_uri_from_env_or_emulator(), flush=True)\n"
)


def settings_import(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ST_CORE_")}
    return subprocess.run(
        [sys.executable, "-c", READ_URI],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_outside_a_test_run_never_start_the_emulator() -> None:
    result = settings_import()
    assert result.returncode != 0
    assert "URI" not in result.stdout
    assert "ImproperlyConfigured: ST_CORE_URI is not set" in result.stderr
    assert "Emulated SuperTokens core listening" not in result.stderr


def test_the_emulator_starts_when_asked_and_a_real_core_wins() -> None:
    asked = settings_import(ST_CORE_EMULATOR="1")
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith("URI http://127.0.0.1:")
    real = settings_import(ST_CORE_URI="https://core.example.com")
    assert real.stdout == "URI https://core.example.com\n"


def with_core(uri: str) -> Any:
    return override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "CONNECTION_URI": uri})


def test_check_deploy_fails_on_the_emulated_core(st_core: Any) -> None:
    messages = checks.check_emulated_core()
    if st_core.emulated:
        assert [m.id for m in messages] == ["django_st_ssr.E008"]
        assert st_core.url in messages[0].msg
    else:
        assert messages == []  # a real core (ST_CORE_URI)


@pytest.mark.emulator_only(reason="starts a second, private emulated core")
def test_check_deploy_names_only_the_emulated_one_of_several(st_core: Any) -> None:
    from django_st_ssr.testing import EmulatedCore

    emulated = EmulatedCore().start()
    try:
        with with_core(f"http://127.0.0.1:9;{emulated.url}"):
            (message,) = checks.check_emulated_core()
        assert message.id == "django_st_ssr.E008"
        assert emulated.url in message.msg
    finally:
        emulated.stop()


def test_status_says_emulated(st_core: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command("supertokens_status", stdout=out, stderr=err)
    call_command("supertokens_status", "--json", stdout=(document := StringIO()))
    (core,) = json.loads(document.getvalue())["cores"]
    assert core["emulated"] is st_core.emulated
    assert ("EMULATED" in out.getvalue()) is st_core.emulated
    assert ("emulated core" in out.getvalue()) is st_core.emulated


EXAMPLE_SETTINGS = "import example_project.settings as s; print('DEBUG', s.DEBUG, flush=True)\n"


def example_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", EXAMPLE_SETTINGS],
        cwd=ROOT / "example_project",
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_example_refuses_debug_off_with_its_published_key() -> None:
    # Its defaults (DEBUG on, a fixed key) are for `make demo` on one's own machine.
    assert example_settings().stdout == "DEBUG True\n"
    refused = example_settings(DJANGO_DEBUG="0")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG=0 with the example's published" in refused.stderr
    own_key = example_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="a-key-of-my-own-" * 4)
    assert own_key.stdout == "DEBUG False\n", own_key.stderr
