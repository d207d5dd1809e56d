"""``manage.py supertokens_status``: the test core, a down core, unreachable and odd cores."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from django_st_ssr.management.commands.supertokens_status import describe_session

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the command, run in this process."""
    out, err = StringIO(), StringIO()
    try:
        call_command("supertokens_status", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def run_json() -> tuple[int, dict[str, Any]]:
    code, out, _ = run("--json")
    return code, json.loads(out)


def with_core(uri: str, **extra: Any) -> Any:
    return override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "CONNECTION_URI": uri, **extra})


def dead_uri() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_healthy_core_exits_zero_and_reports_cdi_jwks_and_cookies(st_core: Any) -> None:
    code, out, _ = run()
    assert code == 0, out
    assert "SuperTokens: OK" in out

    code, report = run_json()
    assert code == 0
    assert report["ok"] is True
    assert report["problems"] == []
    [core] = report["cores"]
    assert core["reachable"] is True
    assert core["cdi_version"] == "5.4"
    assert core["jwks_keys"] >= 1
    assert core["api_key"] in ("accepted", "not needed")
    assert report["session"]["token transfer"] == "cookie"
    assert report["session"]["cookie same-site"] == "lax"
    assert report["session"]["refresh path"] == "/auth/session/refresh"


@pytest.mark.emulator_only(reason="takes the core down")
def test_core_that_went_down_is_reported_and_fails(st_core: Any) -> None:
    st_core.down()
    code, out, err = run()
    assert code == 1
    assert "reachable         NO" in out
    assert "unreachable" in err
    st_core.up()
    assert run()[0] == 0


def test_unreachable_uri_fails() -> None:
    uri = dead_uri()
    with with_core(uri):
        code, report = run_json()
    assert code == 1
    assert report["ok"] is False
    assert report["cores"][0]["reachable"] is False
    assert report["problems"] == [f"{uri}: unreachable: [Errno 111] Connection refused"]


def test_every_core_of_a_semicolon_list_is_checked(st_core: Any) -> None:
    dead = dead_uri()
    with with_core(f"{st_core.url}; {dead};"):
        code, report = run_json()
    assert code == 1
    assert [core["reachable"] for core in report["cores"]] == [True, False]
    assert [core["uri"] for core in report["cores"]] == [st_core.url, dead]


def test_api_key_accepted_and_never_printed(keyed_core: Any) -> None:
    with with_core(keyed_core.url, API_KEY=keyed_core.api_key):
        code, out, err = run()
        assert code == 0, err
        assert "accepted" in out
        assert keyed_core.api_key not in out + err
        assert "set (not shown)" in out
        json_code, json_out, _ = run("--json")
    assert json_code == 0
    assert keyed_core.api_key not in json_out


def test_missing_api_key_is_named_as_such(keyed_core: Any) -> None:
    # A real core wants the key on /apiversion already: only /hello and the JWKS are open.
    with with_core(keyed_core.url, API_KEY=None):
        code, out, err = run()
        assert code == 1
        assert "API key required, none configured" in out
        assert "problem: " in err
        assert "API key required, none configured (HTTP 401 on /apiversion)" in err
        assert "configuration error" in err
        # Not the misleading follow-ups of a failed handshake.
        assert "CDI version NONE" not in out
        assert "JWKS not usable" not in out + err
        assert "key(s)" in out  # the JWKS is open, so it is still checked
        code, report = run_json()
    assert code == 1
    [core] = report["cores"]
    assert core["reachable"] is True
    assert core["api_key"] == "API key required, none configured"
    assert core["jwks_keys"] >= 1
    assert len(report["problems"]) == 1


def test_wrong_api_key_is_a_configuration_error(keyed_core: Any) -> None:
    wrong = f"wrong-{uuid.uuid4().hex}"
    with with_core(keyed_core.url, API_KEY=wrong):
        code, out, err = run()
    assert code == 1
    assert "API key rejected (HTTP 401 on /apiversion): a configuration error" in err
    assert "unreachable" not in out + err
    assert wrong not in out + err


def test_credentials_in_the_uri_are_not_printed(st_core: Any) -> None:
    uri = f"http://admin:s3cret-{uuid.uuid4().hex}@127.0.0.1:9"
    with with_core(uri):
        code, out, err = run()
    assert code == 1
    assert "s3cret" not in out + err
    assert "http://***@127.0.0.1:9" in out


class _OldCore(BaseHTTPRequestHandler):
    """Answers like a core too old for this SDK, with a broken JWKS."""

    def do_GET(self) -> None:
        body = {"/apiversion": b'{"versions": ["2.9", "3.0"]}'}.get(self.path, b"nope")
        self.send_response(200 if self.path == "/apiversion" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_settings_the_app_could_not_initialise_with_are_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.apps import apps

    config = apps.get_app_config("django_st_ssr")
    monkeypatch.setattr(config, "init_error", ImproperlyConfigured("APP_INFO is broken"))
    code, report = run_json()
    assert code == 1
    assert report["problems"][0] == "SuperTokens not initialised: APP_INFO is broken"
    settings_without_uri = {k: v for k, v in settings.SUPERTOKENS.items() if k != "CONNECTION_URI"}
    with override_settings(SUPERTOKENS=settings_without_uri):
        code, report = run_json()
    assert code == 1
    assert "['CONNECTION_URI'] is required" in report["problems"][1]
    assert report["cores"] == []


def test_core_without_a_common_cdi_version_fails() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OldCore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with with_core(f"http://127.0.0.1:{server.server_address[1]}"):
            code, report = run_json()
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    [core] = report["cores"]
    assert core["reachable"] is True
    assert core["cdi_version"] is None
    assert core["core_versions"] == ["2.9", "3.0"]
    assert "no CDI version in common" in report["problems"][0]


def test_cookie_settings_browsers_reject_are_problems(st_core: Any) -> None:
    from supertokens_python import Supertokens
    from supertokens_python.recipe.session.utils import (
        SessionConfig,
        validate_and_normalise_user_input,
    )

    app_info = Supertokens.get_instance().app_info
    config = validate_and_normalise_user_input(
        app_info,
        SessionConfig(
            cookie_same_site="none",
            cookie_secure=False,
            cookie_domain=".example.com",
            get_token_transfer_method=lambda _r, _c, _u: "header",
        ),
    )
    rows, problems = describe_session(config, app_info)
    assert rows["cookie domain"] == ".example.com"
    assert rows["cookie same-site"] == "none"
    # VIA_CUSTOM_HEADER is the SDK's own choice for same-site none.
    assert rows["anti-csrf"] == "VIA_CUSTOM_HEADER"
    assert len(problems) == 2
    assert "header" in problems[0]
    assert "same-site 'none'" in problems[1]


@pytest.mark.parametrize("healthy", [True, False])
def test_exit_status_of_a_real_process(st_core: Any, healthy: bool) -> None:
    env = {**os.environ, "ST_CORE_URI": st_core.url if healthy else dead_uri()}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "django", "supertokens_status", "--settings=tests.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == (0 if healthy else 1), result.stdout + result.stderr
    assert ("SuperTokens: OK" in result.stdout) is healthy


def test_app_info_hosts_this_site_does_not_serve_are_a_problem(st_core: Any) -> None:
    # The README's example domains on a development machine (ALLOWED_HOSTS of 127.0.0.1 only):
    # every page reached on 127.0.0.1 would send its refresh to www.example.com.
    app_info = {
        **settings.SUPERTOKENS["APP_INFO"],
        "api_domain": "https://www.example.com",
        "website_domain": "https://www.example.com",
    }
    with with_core(st_core.url, APP_INFO=app_info), override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
        code, out, err = run()
        json_code, report = run_json()
    assert code == json_code == 1
    assert "served here       NO" in out
    assert "api_domain host 'www.example.com' is not in ALLOWED_HOSTS" in err
    assert report["session"]["served here"] == "NO"
    assert len(report["problems"]) == 2  # api_domain and website_domain

    with (
        override_settings(ALLOWED_HOSTS=["127.0.0.1", ".example.com"]),
        with_core(st_core.url, APP_INFO=app_info),
    ):
        code, report = run_json()
    assert code == 0, report["problems"]
    assert report["session"]["served here"] == "yes (ALLOWED_HOSTS)"
