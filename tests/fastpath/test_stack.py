"""The fast path inside the real stack: SuperTokensMiddleware + @ssr_session_required."""

from __future__ import annotations

import asyncio
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

    monkeypatch.setattr(fastpath, "get_session", lambda *args, **kwargs: None)
    fastpath.clear_cache()
    assert page(client.get(path)) == fast
    assert logged_in.access_token not in fastpath._cache


@pytest.mark.emulator_only
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


@pytest.mark.emulator_only
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
