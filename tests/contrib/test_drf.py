"""django_st_ssr.contrib.drf against real DRF, the real SDK and the suite's core."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.urls("tests.contrib.drf_urls")

JSON = {"Accept": "application/json"}
# What supertokens-web-js's fetch adds to the site's own API calls.
SDK = {**JSON, "rid": "anti-csrf", "st-auth-mode": "cookie"}


def _front_token(response) -> dict:
    return json.loads(base64.b64decode(response.headers["front-token"]))


def test_signed_in_call_gets_the_session_user_and_session(st_login):
    client = Client(headers=SDK)
    session = st_login(client)
    response = client.get("/api/me/")
    assert response.status_code == 200
    assert response.json() == {
        "user": session.user_id,
        "authenticated": True,
        "handle": session.session_handle,
        "kind": "TokenUser",  # no SuperTokens backend configured: the stateless user
    }


@pytest.mark.django_db
def test_with_supertokens_backend_the_user_is_the_backends_row(st_login, settings):
    settings.AUTHENTICATION_BACKENDS = ["django_st_ssr.auth.SuperTokensBackend"]
    client = Client(headers=SDK)
    st_login(client, email=unique_email("drf-row"))
    first = client.get("/api/me/").json()
    assert first["kind"] == "User"
    assert first["authenticated"] is True
    assert client.get("/api/me/").json()["user"] == first["user"]  # the same row each call


def test_no_session_is_a_401_the_frontend_sdk_refreshes_on(st_core):
    response = Client(headers=SDK).get("/api/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "SuperTokens"
    # A public endpoint stays public.
    assert Client().get("/api/public/").json() == {"authenticated": False}


def test_a_client_without_accept_json_gets_a_401_not_a_redirect(st_core):
    response = Client().get("/api/me/")
    assert response.status_code == 401
    assert "Location" not in response.headers


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_is_a_401_then_the_refreshed_token_works(st_core, st_login):
    client = Client(headers=SDK)
    st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    assert response.headers["WWW-Authenticate"] == "SuperTokens"
    assert "no-store" in response.headers["Cache-Control"]
    # What the SDK then does: refresh, and replay the call.
    refreshed = client.post("/auth/session/refresh", headers={"origin": "http://localhost:8000"})
    assert refreshed.status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_token_change_inside_the_view_reaches_the_response(st_login):
    client = Client(headers=SDK)
    st_login(client)
    old = client.cookies["sAccessToken"].value
    response = client.post("/api/promote/", headers={"origin": "http://localhost:8000"})
    assert response.status_code == 200, response.content
    assert response.json() == {"plan": "pro"}
    assert response.cookies["sAccessToken"].value not in ("", old)
    assert _front_token(response)["up"]["plan"] == "pro"
    # The next call carries the new token.
    assert client.get("/api/me/").status_code == 200


def test_revoked_session_with_check_database_is_401_and_clears_cookies(st_login):
    from supertokens_python.recipe.session.syncio import revoke_session

    client = Client(headers=SDK)
    session = st_login(client)
    assert client.get("/api/database/").status_code == 200
    revoke_session(session.session_handle)
    response = client.get("/api/database/")
    assert response.status_code == 401
    assert response.cookies["sAccessToken"].value == ""
    assert response.headers["front-token"] == "remove"


def test_cross_site_write_without_csrf_check_is_refused(st_login):
    client = Client(headers=SDK)
    st_login(client)
    response = client.post("/api/me/", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json() == {"message": "cross-site request refused"}


@pytest.mark.parametrize(
    ("url", "payload", "claim"),
    [
        ("/api/editors/", {"st-role": {"v": ["viewer"], "t": 1}}, "st-role"),
        ("/api/writers/", {"st-perm": {"v": ["articles:read"], "t": 1}}, "st-perm"),
    ],
)
def test_missing_claims_are_403_with_the_sdk_payload_then_granted(st_login, url, payload, claim):
    client = Client(headers=SDK)
    user_id = st_login(client, payload=payload).user_id
    response = client.get(url)
    assert response.status_code == 403
    body = response.json()
    assert body["message"] == "invalid claim"
    [error] = body["claimValidationErrors"]
    assert error["id"] == claim
    assert error["reason"]["message"] == "wrong value"

    granted = {
        "st-role": {"v": ["editor"], "t": 1},
        "st-perm": {"v": ["articles:write"], "t": 1},
    }[claim]
    st_login(client, user_id=user_id, payload={claim: granted})
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["user"] == user_id


def test_verified_email_user_from_a_real_sign_up(st_login):
    # The test settings run the email verification recipe: it puts the user's real state in the
    # session (st-ev), so the claim is decided by the core, not by the test's payload.
    from supertokens_python.recipe.emailverification.interfaces import (
        CreateEmailVerificationTokenOkResult,
    )
    from supertokens_python.recipe.emailverification.syncio import (
        create_email_verification_token,
        verify_email_using_token,
    )
    from supertokens_python.types import RecipeUserId

    client = Client(headers=SDK)
    email = unique_email("drf")
    user_id = st_login(client, email=email).user_id
    response = client.get("/api/verified/")
    assert response.status_code == 403
    [error] = response.json()["claimValidationErrors"]
    assert error["id"] == "st-ev"
    assert error["reason"]["actualValue"] is False  # not "False": the SDK's JSON as is

    token = create_email_verification_token("public", RecipeUserId(user_id), email)
    assert isinstance(token, CreateEmailVerificationTokenOkResult)
    verify_email_using_token("public", token.token)
    st_login(client, user_id=user_id)
    response = client.get("/api/verified/")
    assert response.status_code == 200
    assert response.json()["user"] == user_id


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_no_core_calls_per_call_after_warm_up(st_login):
    from django_st_ssr.testing import get_emulated_core

    emulator = get_emulated_core()
    client = Client(headers=SDK)
    st_login(client)
    assert client.get("/api/me/").status_code == 200
    emulator.reset_log()
    for _ in range(10):
        assert client.get("/api/me/").status_code == 200
    assert emulator.calls() == 0


def test_browsable_api_shows_the_signed_in_users_answer(st_login, settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "rest_framework"]
    client = Client()
    session = st_login(client)
    response = client.get("/api/me/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert session.user_id in response.content.decode()
    # Signed out, a person at the browsable API is sent on like a page (test_drf_browsable.py).
    anonymous = Client().get("/api/me/", headers={"Accept": "text/html"})
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/refresh-session/?redirectBack=/api/me/"
