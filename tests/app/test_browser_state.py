"""refresh.write_browser_state / clear_browser_state: what supertokens-web-js would have stored.

Each key is checked against the format web-js itself reads (supertokens-website lib/build/fetch.js):
the front token is the SDK's ``front-token`` header value, the timestamp is milliseconds, every
cookie is readable by scripts on path "/".
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from django_st_ssr import refresh


def _session(payload=None):
    from supertokens_python.async_to_sync_wrapper import sync
    from supertokens_python.recipe.session.asyncio import (
        create_new_session_without_request_response,
    )
    from supertokens_python.types import RecipeUserId

    return sync(
        create_new_session_without_request_response(
            "public", RecipeUserId("browser-state-user"), payload or {}
        )
    )


def _decode_front_token(value: str) -> dict:
    return json.loads(base64.b64decode(value).decode())


# What web-js may have stored that a cookie-mode session without anti-CSRF never needs.
STALE_STATE = (
    refresh.LEGACY_ID_REFRESH,
    refresh.HEADER_ACCESS_TOKEN,
    refresh.HEADER_REFRESH_TOKEN,
    refresh.ANTI_CSRF,
)


def assert_cleared(response: HttpResponse, *names: str) -> None:
    for name in names:
        assert response.cookies[name].value == "", name
        assert response.cookies[name]["max-age"] == 0, name


def test_write_browser_state_stores_the_front_token_and_timestamp(st_core):
    session = _session({"email": "a@example.com"})
    response = HttpResponse()
    before = int(time.time() * 1000)
    refresh.write_browser_state(RequestFactory().get("/"), response, session)

    front = response.cookies[refresh.FRONT_TOKEN]
    info = _decode_front_token(front.value)
    assert info["uid"] == "browser-state-user"
    assert info["up"]["email"] == "a@example.com"
    assert info["ate"] // 1000 == session.get_access_token_payload()["exp"]
    assert front["path"] == "/"
    assert not front["httponly"]
    assert front["samesite"] == "Lax"
    assert "9999" in front["expires"]

    stamp = response.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE]
    assert before <= int(stamp.value) <= int(time.time() * 1000)
    assert not stamp["httponly"]
    assert stamp["path"] == "/"
    # Cleared: the legacy marker, header-mode tokens, an anti-csrf token (anti_csrf is NONE).
    assert_cleared(response, *STALE_STATE)


def test_front_token_is_the_sdks_own_header_value(st_core):
    # web-js stores the header verbatim: ours must be byte-identical to what the SDK sends.
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.framework.django.django_response import DjangoResponse

    session = _session()
    request = RequestFactory().get("/")
    header_response = HttpResponse()
    from supertokens_python.async_to_sync_wrapper import sync

    sync(session.attach_to_request_response(DjangoRequest(request), "cookie", {}))
    for mutator in session.response_mutators:
        mutator(DjangoResponse(header_response), {})
    response = HttpResponse()
    refresh.write_browser_state(request, response, session)
    assert response.cookies[refresh.FRONT_TOKEN].value == header_response["front-token"]
    # Sent verbatim (no cookie quoting): web-js reads document.cookie as it is and atob()s it.
    header = response.cookies[refresh.FRONT_TOKEN].OutputString()
    assert header.startswith(f"{refresh.FRONT_TOKEN}={header_response['front-token']};")


def test_clear_browser_state_is_front_token_remove(st_core):
    response = HttpResponse()
    refresh.clear_browser_state(RequestFactory().get("/"), response)
    # "remove": the timestamp stays (getLocalSessionState() then says NOT_EXISTS), the rest goes.
    assert int(response.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE].value) > 0
    assert_cleared(response, refresh.FRONT_TOKEN, *STALE_STATE)


def test_secure_requests_get_secure_state_cookies(st_core):
    response = HttpResponse()
    refresh.write_browser_state(RequestFactory().get("/", secure=True), response, _session())
    assert response.cookies[refresh.FRONT_TOKEN]["secure"]


@pytest.mark.parametrize("domain", [".example.test"])
def test_state_cookies_follow_the_session_cookie_domain(st_core, monkeypatch, domain):
    monkeypatch.setattr(refresh, "_cookie_domain", lambda: domain)
    response = HttpResponse()
    refresh.write_browser_state(RequestFactory().get("/"), response, _session())
    assert response.cookies[refresh.FRONT_TOKEN]["domain"] == domain
    assert response.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE]["domain"] == domain
