"""Cold signing keys on the async path: the SDK's blocking JWKS fetch must not hold the loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.test import RequestFactory
from supertokens_python.recipe.session import jwks

from django_st_ssr import fastpath
from django_st_ssr.verify import Outcome, averify_request

from .tokens import segments, sign_with_own_key

rf = RequestFactory()


def test_may_fetch_keys(new_session: Any, warm_keys: None) -> None:
    token = new_session()["access"]
    assert fastpath.may_fetch_keys(rf.get("/")) is False
    assert fastpath.may_fetch_keys(rf.get("/", HTTP_COOKIE="sAccessToken=garbage")) is False
    assert fastpath.may_fetch_keys(rf.get("/", HTTP_COOKIE=f"sAccessToken={token}")) is False
    parsed_header, parsed_payload, _ = segments(token)
    unknown = sign_with_own_key({**parsed_header, "kid": "d-unknown"}, parsed_payload)
    assert fastpath.may_fetch_keys(rf.get("/", HTTP_COOKIE=f"sAccessToken={unknown}")) is True
    bearer = rf.get("/", HTTP_AUTHORIZATION=f"Bearer {unknown}")
    assert fastpath.may_fetch_keys(bearer) is True


@pytest.mark.emulator_only(reason="delays the emulator's signing keys answer")
def test_cold_key_fetch_leaves_the_event_loop_free(new_session: Any, emulator: Any) -> None:
    created = new_session()
    request = rf.get("/", HTTP_COOKIE=f"sAccessToken={created['access']}")
    jwks.reset_jwks_cache()
    emulator.delay("/.well-known/jwks.json", 0.5)

    async def scenario() -> tuple[Any, int]:
        ticks = 0
        verification = asyncio.ensure_future(averify_request(request))
        while not verification.done():
            await asyncio.sleep(0.01)
            ticks += 1
        return verification.result(), ticks

    try:
        assert fastpath.may_fetch_keys(request) is True
        result, ticks = asyncio.run(scenario())
    finally:
        emulator.delay("/.well-known/jwks.json", 0)
    assert result.outcome is Outcome.SESSION
    assert result.session.get_user_id() == created["user_id"]
    # On the loop, the fetch would have held it for the whole 0.5 s: no tick in between.
    assert ticks >= 5
    assert fastpath.may_fetch_keys(request) is False
