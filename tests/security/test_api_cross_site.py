"""Cross-site forms cannot drive the SDK's APIs (login CSRF, logout CSRF).

The SDK's /auth/signin reads a JSON body whatever its Content-Type, so without a guard a page on
another site could post an HTML form (``enctype="text/plain"``) that signs the visitor into the
attacker's account. Browsers send ``Origin`` on such posts; the middleware answers 403 unless it
is this site, the API or the website of APP_INFO.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_st_ssr.testing import unique_email

PASSWORD = "Secret-pw-123"
TRUSTED = ("http://testserver", "http://localhost:8000", "HTTP://LOCALHOST:8000")
UNTRUSTED = (
    "https://evil.example",
    "http://localhost:8001",
    "https://localhost:8000",
    "http://testserver.evil.example",
    "http://evil.example:8000",
    "null",
    "",
)


def _form(email: str) -> str:
    return json.dumps(
        {"formFields": [{"id": "email", "value": email}, {"id": "password", "value": PASSWORD}]}
    )


@pytest.fixture(scope="module")
def account(st_core: Any) -> str:
    email = unique_email("csrf")
    response = Client().post("/auth/signup", _form(email), content_type="application/json")
    assert response.json()["status"] == "OK"
    return email


def sign_in(account: str, **headers: str) -> Any:
    return Client(enforce_csrf_checks=True).post(
        "/auth/signin", _form(account), content_type="text/plain", headers=headers
    )


@pytest.mark.parametrize("origin", UNTRUSTED)
def test_cross_site_form_cannot_sign_anybody_in(account: str, origin: str) -> None:
    response = sign_in(account, Origin=origin)
    assert response.status_code == 403
    assert "sAccessToken" not in response.cookies
    assert "front-token" not in response


@pytest.mark.parametrize("origin", TRUSTED)
def test_this_site_and_the_configured_origins_can(account: str, origin: str) -> None:
    response = sign_in(account, Origin=origin)
    assert response.status_code == 200
    assert response.json()["status"] == "OK"
    assert response.cookies["sAccessToken"].value


def test_calls_without_origin_are_left_alone(account: str) -> None:
    # Server-to-server calls and scripts send no Origin (nor Sec-Fetch-Site).
    assert sign_in(account).status_code == 200
    assert sign_in(account, **{"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert sign_in(account, **{"Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_cross_site_sign_out_and_refresh_are_refused(st_login: Any) -> None:
    client = Client()
    st_login(client)
    for path in ("/auth/signout", "/auth/session/refresh"):
        response = client.post(path, headers={"Origin": "https://evil.example", "rid": "session"})
        assert response.status_code == 403, path
        assert not [m for m in response.cookies.values() if not m.value], "cookies cleared"
    # The same calls from the site itself still work.
    own = {"Origin": "http://testserver", "rid": "session"}
    assert client.post("/auth/session/refresh", headers=own).status_code == 200


def test_safe_methods_and_pages_are_not_affected(st_login: Any) -> None:
    client = Client()
    response = client.get(
        "/auth/signup/email/exists?email=a@b.co", headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 200


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(origin=st.text(max_size=60).map(lambda t: t.encode("utf-8").decode("latin-1")))
def test_arbitrary_origin_headers(account: str, origin: str) -> None:
    response = sign_in(account, Origin=origin)
    expected = 200 if origin.lower() in {o.lower() for o in TRUSTED} else 403
    assert response.status_code == expected
