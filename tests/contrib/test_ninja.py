"""django_st_ssr.contrib.ninja against real Django Ninja, the real SDK and the suite's core."""

from __future__ import annotations

import base64
import json

import pytest
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from django_st_ssr import redirects

pytestmark = pytest.mark.urls("tests.contrib.ninja_urls")

# What supertokens-web-js's fetch adds to the site's own API calls.
SDK = {"Accept": "application/json", "rid": "anti-csrf", "st-auth-mode": "cookie"}
ORIGIN = {"origin": "http://localhost:8000"}


def test_signed_in_call_gets_the_session_and_its_user(st_login):
    client = Client(headers=SDK)
    session = st_login(client)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "user": session.user_id,
        "authenticated": True,
        "handle": session.session_handle,
    }


@pytest.mark.anyio
async def test_async_operation(st_alogin):
    client = AsyncClient(headers=SDK)
    session = await st_alogin(client)
    response = await client.get("/api/ame")
    assert response.status_code == 200
    assert response.json()["user"] == session.user_id


def test_no_session_is_a_401(st_core):
    assert Client(headers=SDK).get("/api/me").status_code == 401
    assert Client().get("/api/public").json() == {"ok": True}


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_is_a_401_then_the_refreshed_token_works(st_core, st_login):
    client = Client(headers=SDK)
    st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    assert "no-store" in response.headers["Cache-Control"]
    assert client.post("/auth/session/refresh", headers=ORIGIN).status_code == 200
    assert client.get("/api/me").status_code == 200


def test_token_change_inside_the_operation_reaches_the_response(st_login):
    client = Client(headers=SDK)
    st_login(client)
    old = client.cookies["sAccessToken"].value
    response = client.post("/api/promote", headers=ORIGIN)
    assert response.status_code == 200, response.content
    assert response.cookies["sAccessToken"].value not in ("", old)
    front = json.loads(base64.b64decode(response.headers["front-token"]))
    assert front["up"]["plan"] == "pro"


def test_failing_claim_is_403_with_the_sdk_payload_then_granted(st_login):
    client = Client(headers=SDK)
    user_id = st_login(client).user_id
    response = client.get("/api/admin")
    assert response.status_code == 403
    body = response.json()
    assert body["message"] == "invalid claim"
    assert body["claimValidationErrors"][0]["id"] == "st-ssr-admin"
    st_login(client, user_id=user_id, payload={"st-ssr-admin": {"v": True, "t": 1}})
    assert client.get("/api/admin").status_code == 200


def test_cross_site_write_is_refused(st_login):
    client = Client(headers=SDK)
    st_login(client)
    response = client.post("/api/promote", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json() == {"message": "cross-site request refused"}


def _guard_left_by_a_page(path: str) -> str:
    """The loop guard a page's redirect to the refresh sets (a Ninja call never sets one)."""
    response = HttpResponse()
    redirects.count_refresh_attempt(RequestFactory().get(path), response)
    return response.cookies[redirects.LOOP_COOKIE_NAME].value


def test_an_accepted_call_clears_the_refresh_loop_guard(st_login):
    # A page was sent to the refresh and its script calls the API: the round ended well, as
    # when the page itself is accepted, so the next expiry starts counting at 0.
    client = Client(headers=SDK)
    st_login(client)
    client.cookies[redirects.LOOP_COOKIE_NAME] = _guard_left_by_a_page("/dashboard/")
    del client.cookies["sAccessToken"]
    refused = client.get("/api/me")
    assert refused.status_code == 401
    assert redirects.LOOP_COOKIE_NAME not in refused.cookies  # not accepted: the guard stays
    assert client.post("/auth/session/refresh", headers=ORIGIN).status_code == 200

    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.cookies[redirects.LOOP_COOKIE_NAME].value == ""
    assert "private" in response["Cache-Control"]
