"""Core outages: nothing lost, nobody logged out, no loop, no 500, and bounded waits.

"Cold worker" means the SDK's process-wide JWKS cache is empty (a worker that has not verified a
token yet); ``jwks.reset_jwks_cache()`` is the SDK's own way to get there. Timings are printed
(``pytest -s``) so the note can quote them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import AsyncClient, Client

from tests.security.conftest import LogSink

pytestmark = [
    pytest.mark.urls("tests.security.urls"),
    pytest.mark.emulator_only(reason="takes the core down, fails or delays its answers"),
]

# What supertokens-web-js sends to the refresh API (see sdk-and-core-api.md section 4).
WEB_JS_REFRESH_HEADERS = {"rid": "session", "fdi-version": "4.0", "st-auth-mode": "cookie"}


@pytest.fixture
def cold_worker() -> Iterator[None]:
    from supertokens_python.recipe.session.jwks import reset_jwks_cache

    from django_st_ssr import fastpath

    reset_jwks_cache()
    fastpath.clear_cache()
    yield
    reset_jwks_cache()


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def cleared_cookies(response: Any) -> list[str]:
    """Session cookies this response deletes (empty value or an expiry in the past)."""
    return [
        name
        for name in ("sAccessToken", "sRefreshToken")
        if name in response.cookies
        and (
            not response.cookies[name].value
            or "1970" in str(response.cookies[name]["expires"])
            or response.cookies[name]["max-age"] == 0
        )
    ]


def refresh(client: Client) -> Any:
    return client.post("/auth/session/refresh", headers=WEB_JS_REFRESH_HEADERS)


# -- JWKS cached: verification is local ---------------------------------------------------------


@pytest.mark.parametrize("page", ["/page/", "/apage/", "/optional/", "/"])
def test_pages_keep_rendering_while_the_core_is_down(st_core: Any, st_login: Any, page: str):
    client = Client()
    session = st_login(client)
    assert client.get(page).content.decode() == f"user:{session.user_id}"  # keys now cached
    st_core.down()
    durations = []
    for _ in range(20):
        response, took = timed(lambda: client.get(page))
        durations.append(took)
        assert response.status_code == 200
        assert response.content.decode() == f"user:{session.user_id}"
    print(f"\n[outage] {page} with core down, keys cached: max {max(durations) * 1000:.1f} ms")


@pytest.mark.anyio
async def test_async_client_keeps_rendering_while_the_core_is_down(st_core: Any, st_alogin: Any):
    client = AsyncClient()
    session = await st_alogin(client)
    assert (await client.get("/apage/")).content.decode() == f"user:{session.user_id}"
    st_core.down()
    for page in ("/apage/", "/page/"):
        response = await client.get(page)
        assert response.content.decode() == f"user:{session.user_id}"


# -- cold worker, core down -----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/page/", "/apage/", "/database/"])
def test_cold_worker_answers_503_page_then_recovers(
    st_core: Any, st_login: Any, cold_worker: None, page: str
):
    client = Client()
    session = st_login(client)
    st_core.down()
    response, took = timed(lambda: client.get(page, headers={"Sec-Fetch-Mode": "navigate"}))
    print(
        f"\n[outage] cold worker {page}, core down: "
        f"HTTP {response.status_code} in {took * 1000:.0f} ms"
    )
    assert response.status_code == 503
    assert "Location" not in response
    assert response["Retry-After"]
    assert b"<html" in response.content.lower()
    assert cleared_cookies(response) == []
    assert took < 2
    # Reloading while still down: the same clear answer, no refresh round trip counted.
    assert client.get(page).status_code == 503
    st_core.up()
    response = client.get(page)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{session.user_id}"


def test_cold_worker_answers_503_json_to_fetch(st_core: Any, st_login: Any, cold_worker: None):
    client = Client()
    st_login(client)
    st_core.down()
    response = client.get(
        "/page/", headers={"Sec-Fetch-Mode": "cors", "Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"]
    assert "Location" not in response


def test_cold_worker_never_starts_a_refresh_loop(st_core: Any, st_login: Any, cold_worker: None):
    # A browser reloading the page again and again while the core is down is never sent round
    # the refresh page (which could not help) and never meets the loop-guard error page.
    client = Client()
    st_login(client)
    st_core.down()
    for _ in range(10):
        response = client.get("/page/")
        assert response.status_code == 503
        assert "Location" not in response


# -- the refresh API while the core is down -------------------------------------------------------


def test_refresh_failing_with_core_down_keeps_the_user_signed_in(
    st_core: Any, st_login: Any, log_sink: LogSink
):
    client = Client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    assert client.get("/page/")["Location"].startswith("/refresh-session/")

    st_core.down()
    response, took = timed(lambda: refresh(client))
    print(f"\n[outage] refresh API, core down: HTTP {response.status_code} in {took * 1000:.0f} ms")
    assert response.status_code == 503  # not 401: web-js would treat that as "signed out"
    assert cleared_cookies(response) == []
    assert response.get("front-token") != "remove"

    st_core.up()
    response = refresh(client)
    assert response.status_code == 200
    assert response.cookies["sAccessToken"].value
    # The same browser carries on, no sign-in needed.
    assert client.get("/page/").content.decode() == f"user:{session.user_id}"
    log_sink.assert_free_of([session.access_token, session.refresh_token])


@pytest.mark.parametrize("status", [500, 502, 503])
def test_refresh_with_core_errors_keeps_the_user_signed_in(
    st_core: Any, st_login: Any, status: int
):
    client = Client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    st_core.fail_next("/recipe/session/refresh", status=status)
    response = refresh(client)
    assert response.status_code == 503
    assert cleared_cookies(response) == []
    assert refresh(client).status_code == 200
    assert client.get("/page/").content.decode() == f"user:{session.user_id}"


# -- slow core: bounded by SUPERTOKENS["CORE_TIMEOUT"] ------------------------------------------


@pytest.fixture
def core_timeout(settings: Any) -> float:
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CORE_TIMEOUT": 0.5}
    return 0.5


@pytest.mark.parametrize("page", ["/page/", "/apage/"])
def test_slow_signing_keys_on_a_cold_worker_time_out(
    st_core: Any, st_login: Any, cold_worker: None, core_timeout: float, page: str
):
    client = Client()
    st_login(client)
    st_core.delay("/.well-known/jwks.json", 4)
    response, took = timed(lambda: client.get(page))
    print(
        f"\n[outage] cold worker {page}, JWKS 4 s late: HTTP {response.status_code} in {took:.2f} s"
    )
    assert response.status_code == 503
    assert took < core_timeout + 2  # the core answers after 4 s


def test_slow_database_check_times_out(st_core: Any, st_login: Any, core_timeout: float):
    client = Client()
    st_login(client)
    st_core.delay("/recipe/session/verify", 4)
    response, took = timed(lambda: client.get("/adatabase/"))
    print(
        f"\n[outage] check_database page, verify 4 s late: "
        f"HTTP {response.status_code} in {took:.2f} s"
    )
    assert response.status_code == 503
    assert took < core_timeout + 2  # the core answers after 4 s


def test_slow_refresh_api_times_out_without_logging_out(
    st_core: Any, st_login: Any, core_timeout: float
):
    client = Client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    st_core.delay("/recipe/session/refresh", 4)
    response, took = timed(lambda: refresh(client))
    print(f"\n[outage] refresh API, core 4 s late: HTTP {response.status_code} in {took:.2f} s")
    assert response.status_code == 503
    assert took < core_timeout + 2  # the core answers after 4 s
    assert cleared_cookies(response) == []
    st_core.clear_faults()
    assert refresh(client).status_code == 200
    assert client.get("/page/").content.decode() == f"user:{session.user_id}"


def test_core_timeout_caps_the_sdk_signing_key_timeout_and_none_restores_it(
    st_core: Any, st_login: Any, settings: Any
) -> None:
    from supertokens_python.recipe.session.jwks import JWKSConfig

    client = Client()
    st_login(client)
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CORE_TIMEOUT": 0.5}
    assert client.get("/database/").status_code == 200
    assert JWKSConfig["request_timeout"] == 500
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CORE_TIMEOUT": None}
    assert client.get("/database/").status_code == 200
    assert JWKSConfig["request_timeout"] == 10_000  # the SDK's own
