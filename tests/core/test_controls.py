"""The emulator's test controls: faults, delays, request log, the plugin's helpers, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from django.test import AsyncClient
from supertokens_python.recipe.session.asyncio import (
    get_session_without_request_response as aget_session,
)
from supertokens_python.recipe.session.exceptions import TryRefreshTokenError
from supertokens_python.recipe.session.syncio import (
    create_new_session_without_request_response,
    get_session_without_request_response,
    refresh_session_without_request_response,
)
from supertokens_python.types import RecipeUserId

from django_st_ssr.testing import unique_email
from django_st_ssr.testing.plugin import RealCore, pytest_runtest_setup


def new_session():
    session = create_new_session_without_request_response(
        "public", RecipeUserId(f"contract-{uuid.uuid4()}")
    )
    return session.get_all_session_tokens_dangerously()


def test_st_login_with_email_puts_sdk_cookies_on_the_client(st_login, client):
    email = unique_email()
    logged_in = st_login(client, email=email, payload={"plan": "pro"})
    access = client.cookies["sAccessToken"]
    refresh = client.cookies["sRefreshToken"]
    assert access["path"] == "/"
    assert refresh["path"] == "/auth/session/refresh"
    assert access["httponly"]
    assert refresh["httponly"]
    session = get_session_without_request_response(access.value)
    assert session is not None
    assert session.get_user_id() == logged_in.user_id
    assert session.get_handle() == logged_in.session_handle
    assert session.get_access_token_payload()["plan"] == "pro"
    # Like the SDK's own Set-Cookie, the cookie holds the token URL-quoted: real refresh tokens
    # carry "+" and "=" (standard base64), which a cookie value must not hold raw.
    assert unquote(refresh.value) == logged_in.refresh_token
    assert not set("+=") & set(refresh.value)

    # The same email logs in as the same user again.
    assert st_login(client, email=email).user_id == logged_in.user_id


def test_st_login_with_user_id(st_login, client):
    user_id = f"contract-{uuid.uuid4()}"
    logged_in = st_login(client, user_id=user_id)
    assert logged_in.user_id == user_id
    session = get_session_without_request_response(client.cookies["sAccessToken"].value)
    assert session is not None
    assert session.get_user_id() == user_id


@pytest.mark.anyio
async def test_st_alogin_on_an_async_client(st_alogin):
    client = AsyncClient()
    logged_in = await st_alogin(client, email=unique_email())
    session = await aget_session(client.cookies["sAccessToken"].value)
    assert session is not None
    assert session.get_user_id() == logged_in.user_id


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expire_access_token_cookie(st_core, st_login, client):
    logged_in = st_login(client)
    expired = st_core.expire_access_token_cookie(client)
    assert client.cookies["sAccessToken"].value == expired != logged_in.access_token
    with pytest.raises(TryRefreshTokenError):
        get_session_without_request_response(expired)


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_request_log_counts_calls_per_path(st_core):
    st_core.reset_log()
    new_session()
    assert st_core.calls("/public/recipe/session") == 1
    assert ("POST", "/public/recipe/session", 200) in st_core.log
    st_core.reset_log()
    assert st_core.calls() == 0


@pytest.mark.emulator_only(reason="injects failures into the emulated core")
def test_fail_next_answers_the_given_status_then_recovers(st_core):
    tokens = new_session()
    st_core.fail_next("/recipe/session/verify", 500, times=2)
    for _ in range(2):
        with pytest.raises(Exception, match="status code: 500"):
            get_session_without_request_response(tokens["accessToken"], check_database=True)
    assert get_session_without_request_response(tokens["accessToken"], check_database=True)


@pytest.mark.emulator_only(reason="delays the emulated core's answers")
def test_delay(st_core):
    # Margins are seconds apart, so a loaded machine cannot flip either assertion.
    headers = {"api-key": st_core.api_key} if st_core.api_key else {}
    st_core.delay("/hello", 5)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(st_core.url + "/hello", headers=headers, timeout=0.5)
    assert time.monotonic() - started < 5
    # Other paths are not delayed, and removing the delay restores the path.
    assert httpx.get(st_core.url + "/apiversion", headers=headers, timeout=4).status_code == 200
    st_core.delay("/hello", 0)
    assert httpx.get(st_core.url + "/hello", headers=headers, timeout=4).status_code == 200


@pytest.mark.emulator_only(reason="takes the core down")
def test_down_refuses_connections_and_up_restores_state(st_core):
    tokens = new_session()
    url = st_core.url
    st_core.down()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/hello")
    with pytest.raises(Exception, match="No SuperTokens core available"):
        get_session_without_request_response(tokens["accessToken"], check_database=True)
    st_core.up()
    assert st_core.url == url
    assert get_session_without_request_response(tokens["accessToken"], check_database=True)


@pytest.mark.emulator_only(reason="uses the emulator's revoke controls")
def test_revoke_controls(st_core):
    first, second = new_session(), new_session()
    handle = get_session_without_request_response(first["accessToken"]).get_handle()
    assert st_core.revoke_session(handle) is True
    assert st_core.revoke_session(handle) is False
    assert st_core.revoke_all_sessions() >= 1
    for tokens in (first, second):
        with pytest.raises(Exception, match="session"):
            get_session_without_request_response(tokens["accessToken"], check_database=True)


def test_real_core_handle_skips_emulator_controls():
    core = RealCore("http://127.0.0.1:1", "key")
    assert (core.url, core.api_key, core.emulated) == ("http://127.0.0.1:1", "key", False)
    with pytest.raises(pytest.skip.Exception, match="emulated core"):
        core.rotate_keys()
    with pytest.raises(AttributeError):
        _ = core.no_such_attribute


def test_emulator_only_tests_are_skipped_against_a_real_core(monkeypatch, request):
    marked = pytest.mark.emulator_only(reason="takes the core down")

    class Item:
        nodeid = "test_x.py::test_x"

        def iter_markers(self, name):
            return iter([marked.mark] if name == "emulator_only" else [])

    monkeypatch.delenv("ST_CORE_URI", raising=False)
    pytest_runtest_setup(Item())  # no skip with the emulator
    monkeypatch.setenv("ST_CORE_URI", "http://127.0.0.1:1")
    with pytest.raises(pytest.skip.Exception, match="emulated core: takes the core down;"):
        pytest_runtest_setup(Item())


EMULATOR_ONLY_TESTS = """
import pytest

@pytest.mark.emulator_only
def test_bare():
    pass

@pytest.mark.emulator_only(reason="  ")
def test_blank():
    pass

@pytest.mark.emulator_only(reason="takes the core down")
def test_reasoned():
    pass

def test_unmarked():
    pass
"""


@pytest.mark.parametrize("core_uri", ["", "http://127.0.0.1:9"])
def test_emulator_only_without_a_reason_fails_the_test(tmp_path, core_uri):
    (tmp_path / "test_marked.py").write_text(EMULATOR_ONLY_TESTS)
    env = {
        k: v for k, v in os.environ.items() if k not in ("ST_CORE_URI", "DJANGO_SETTINGS_MODULE")
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout's plugin
    if core_uri:
        env["ST_CORE_URI"] = core_uri
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "test_marked.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout
    assert done.returncode == 1, out
    for name in ("test_bare", "test_blank"):
        assert f"ERROR test_marked.py::{name} - Failed: test_marked.py::{name}: " in out, out
    assert "add reason=" in out
    assert "PASSED test_marked.py::test_unmarked" in out
    if core_uri:
        assert "needs the emulated core: takes the core down; ST_CORE_URI is set" in out
        assert "1 passed, 1 skipped, 2 errors" in out, out
    else:
        assert "PASSED test_marked.py::test_reasoned" in out
        assert "2 passed, 2 errors" in out, out


def test_cli_serves_a_core():
    process = subprocess.Popen(
        [sys.executable, "-m", "django_st_ssr.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert httpx.get(url + "/hello").text.strip() == "Hello"
        assert "5.4" in httpx.get(url + "/apiversion").json()["versions"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "never for production" in process.stderr.read()


@pytest.mark.emulator_only(reason="expires every access token through the emulator")
def test_expire_all_access_tokens(st_core):
    user_id = f"contract-{uuid.uuid4()}"
    session = create_new_session_without_request_response("public", RecipeUserId(user_id))
    tokens = session.get_all_session_tokens_dangerously()
    assert get_session_without_request_response(tokens["accessToken"]) is not None
    st_core.expire_all_access_tokens()
    with pytest.raises(TryRefreshTokenError):
        get_session_without_request_response(tokens["accessToken"])
    refreshed = refresh_session_without_request_response(tokens["refreshToken"])
    fresh = get_session_without_request_response(
        refreshed.get_all_session_tokens_dangerously()["accessToken"]
    )
    assert fresh is not None
    assert fresh.get_user_id() == user_id


def test_concurrent_refreshes_with_one_token_all_succeed(st_core):
    tokens = new_session()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda _: refresh_session_without_request_response(tokens["refreshToken"]),
                range(8),
            )
        )
    refresh_tokens = {r.get_all_session_tokens_dangerously()["refreshToken"] for r in results}
    assert len(refresh_tokens) == 8
    assert {r.get_handle() for r in results} == {results[0].get_handle()}
