"""Sign-out with a valid or an expired access token (django_st_ssr:sign_out, refresh.sign_out)."""

from __future__ import annotations

import pytest
from django.test import Client
from supertokens_python.recipe.session.syncio import get_session_information

from django_st_ssr import refresh

SIGN_OUT = "/sign-out/"
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"


def _client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def _post(client: Client, data: dict | None = None):
    return client.post(SIGN_OUT, {"csrfmiddlewaretoken": CSRF_SECRET, **(data or {})})


def _assert_signed_out(response) -> None:
    for name in ("sAccessToken", "sRefreshToken"):
        assert response.cookies[name].value == ""
    assert response.cookies[refresh.FRONT_TOKEN].value == ""
    assert int(response.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE].value) > 0
    assert response.headers["front-token"] == "remove"
    assert "no-store" in response.headers["Cache-Control"]


def test_sign_out_revokes_a_valid_session(st_login):
    client = _client()
    session = st_login(client)
    response = _post(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    _assert_signed_out(response)
    assert get_session_information(session.session_handle) is None
    assert client.get("/protected/").status_code == 302  # no session any more


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_sign_out_revokes_the_session_of_an_expired_access_token(st_core, st_login):
    client = _client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    response = _post(client, {"next": "/protected/?x=1"})
    assert response.headers["Location"] == "/protected/?x=1"
    _assert_signed_out(response)
    assert get_session_information(session.session_handle) is None


def test_a_forged_token_revokes_nothing_but_clears_the_browser(st_login):
    other = st_login(Client())
    client = _client()
    session = st_login(client)
    # Another session's token with its signature broken: it names other's handle, unverified.
    header, payload, _signature = other.access_token.split(".")
    client.cookies["sAccessToken"] = f"{header}.{payload}.{'A' * 40}"
    response = _post(client)
    _assert_signed_out(response)
    assert get_session_information(other.session_handle) is not None
    assert get_session_information(session.session_handle) is not None


def test_sign_out_without_a_session_just_clears(st_core):
    response = _post(_client(), {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"  # next is validated
    _assert_signed_out(response)


def test_sign_out_needs_post_and_django_csrf(st_login):
    client = _client()
    session = st_login(client)
    assert client.get(SIGN_OUT).status_code == 405
    assert client.post(SIGN_OUT).status_code == 403  # no CSRF token: a foreign form cannot
    assert get_session_information(session.session_handle) is not None


def test_logout_redirect_url_setting(st_core, settings):
    settings.LOGOUT_REDIRECT_URL = "login"
    assert _post(_client()).headers["Location"] == "/login/"


@pytest.mark.emulator_only(reason="takes the core down")
def test_sign_out_while_the_core_is_down_still_clears_the_browser(st_core, st_login):
    client = _client()
    st_login(client)
    st_core.down()
    response = _post(client)
    assert response.status_code == 302
    _assert_signed_out(response)


def test_helper_in_a_view_of_ones_own(st_login, rf):
    from django.http import HttpResponse

    client = Client()
    session = st_login(client)
    request = rf.post("/", HTTP_COOKIE=f"sAccessToken={session.access_token}")
    response = HttpResponse()
    assert refresh.sign_out(request, response) is True
    assert get_session_information(session.session_handle) is None
    assert response.cookies["sAccessToken"].value == ""
