"""The fast path inside the real stack: SuperTokensMiddleware + @ssr_session_required."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from django.test import AsyncClient, Client

from django_st_ssr import fastpath


def page(response: Any) -> tuple[Any, ...]:
    """What the browser gets: status, body, and every header and cookie set."""
    return (
        response.status_code,
        response.content,
        sorted((k, v) for k, v in response.items() if k.lower() != "date"),
        sorted((k, m.OutputString()) for k, m in response.cookies.items()),
    )


@pytest.mark.parametrize("path", ["/protected/", "/", "/optional/"])
def test_pages_are_the_same_with_and_without_the_fast_path(
    client: Client, st_login: Any, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    logged_in = st_login(client)
    client.get(path)  # the SDK's signing keys are now cached
    fast = page(client.get(path))
    assert logged_in.access_token in fastpath._cache
    assert fast[0] == 200
    assert fast[1] == f"user:{logged_in.user_id}".encode()

    monkeypatch.setattr(fastpath, "decide", lambda *args, **kwargs: None)
    fastpath.clear_cache()
    assert page(client.get(path)) == fast
    assert logged_in.access_token not in fastpath._cache


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_no_core_calls_per_verified_request_after_warm_up(
    client: Client, st_login: Any, emulator: Any
) -> None:
    logged_in = st_login(client)
    assert client.get("/protected/").status_code == 200
    emulator.reset_log()
    for _ in range(20):
        response = client.get("/protected/")
        assert response.content == f"user:{logged_in.user_id}".encode()
        assert "sAccessToken" not in response.cookies
    assert emulator.calls() == 0


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_no_core_calls_per_verified_async_request_after_warm_up(
    st_alogin: Any, emulator: Any
) -> None:
    async def scenario() -> list[bytes]:
        client = AsyncClient()
        logged_in = await st_alogin(client)
        assert (await client.get("/aprotected/")).status_code == 200
        emulator.reset_log()
        bodies = [(await client.get("/aprotected/")).content for _ in range(20)]
        assert bodies[0] == f"user:{logged_in.user_id}".encode()
        return bodies

    bodies = asyncio.run(scenario())
    assert len(set(bodies)) == 1
    assert emulator.calls() == 0


def masked(response: Any) -> tuple[Any, ...]:
    """``page(response)`` without what depends on the second it was made (Expires, signatures)."""
    from django_st_ssr.redirects import LOOP_COOKIE_NAME

    status, body, headers, cookies = page(response)
    headers = [(k, "<now>" if k == "Expires" else v) for k, v in headers]
    cookies = [(k, re.sub(r"expires=[^;]+", "expires=<then>", v)) for k, v in cookies]
    loop = response.cookies.get(LOOP_COOKIE_NAME)
    if loop is not None and loop.value:
        # "count:first attempt:page tag:timestamp:signature": keep the count and the page.
        count, _first, tag, *_signed = loop.value.split(":")
        cookies = [
            (k, v.replace(loop.value, f"{count}:{tag}") if k == LOOP_COOKIE_NAME else v)
            for k, v in cookies
        ]
    return status, body, headers, cookies


REJECTED = [
    pytest.param("expired", {"HTTP_ACCEPT": "text/html"}, id="expired-navigation"),
    pytest.param("expired", {"HTTP_ACCEPT": "application/json"}, id="expired-fetch"),
    pytest.param("none", {"HTTP_ACCEPT": "text/html"}, id="no-cookie-navigation"),
    pytest.param("none", {"HTTP_ACCEPT": "application/json"}, id="no-cookie-fetch"),
]


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
@pytest.mark.parametrize(("token", "headers"), REJECTED)
@pytest.mark.parametrize("path", ["/protected/", "/aprotected/", "/optional/", "/"])
def test_rejections_are_the_same_with_and_without_deciding_locally(
    client: Client,
    st_login: Any,
    emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    headers: dict[str, str],
    path: str,
) -> None:
    st_login(client)
    client.get("/protected/")  # the SDK's signing keys are now cached
    if token == "expired":
        emulator.expire_access_token_cookie(client)
    else:
        del client.cookies["sAccessToken"]
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}

    def visit() -> Any:
        fresh = Client()  # no loop-guard cookie carried from one visit to the next
        fresh.cookies.load(cookies)
        return fresh.get(path, **headers)

    decisions: list[Any] = []
    decide = fastpath.decide
    monkeypatch.setattr(
        fastpath, "decide", lambda *a, **k: decisions.append(decide(*a, **k)) or decisions[-1]
    )
    local = visit()
    assert decisions == [fastpath.EXPIRED if token == "expired" else fastpath.NO_TOKEN]
    monkeypatch.setattr(fastpath, "decide", lambda *args, **kwargs: None)
    assert masked(visit()) == masked(local)
    rejected = path != "/" and (token == "expired" or path != "/optional/")
    if rejected:
        navigation = headers["HTTP_ACCEPT"] == "text/html"
        assert local.status_code == (302 if navigation else 401)
    else:
        assert (local.status_code, local.content) == (200, b"anonymous")
