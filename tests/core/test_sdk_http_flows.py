"""Flows through the SDK's own Django middleware (the /auth/* APIs), independent of our app."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from supertokens_python.framework.django.django_middleware import middleware
from supertokens_python.recipe.emailpassword.syncio import sign_up
from supertokens_python.recipe.session.syncio import (
    get_session_information,
    get_session_without_request_response,
    refresh_session_without_request_response,
)

from django_st_ssr.testing import unique_email

PASSWORD = "correct-horse-1"


@pytest.fixture
def sdk():
    return middleware(lambda request: HttpResponse("app"))


def call(sdk, path, *, body=None, cookies=None):
    request = RequestFactory().post(
        path, data=json.dumps(body or {}), content_type="application/json", HTTP_RID="emailpassword"
    )
    request.COOKIES.update(cookies or {})
    return sdk(request)


def test_st_login_sets_the_cookies_a_real_sign_in_sets(sdk, st_login, client):
    email = unique_email()
    sign_up("public", email, PASSWORD)
    form = [{"id": "email", "value": email}, {"id": "password", "value": PASSWORD}]
    response = call(sdk, "/auth/signin", body={"formFields": form})
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "OK"

    st_login(client, email=email)
    for name in ("sAccessToken", "sRefreshToken"):
        real, ours = response.cookies[name], client.cookies[name]
        for attribute in ("path", "httponly", "samesite", "secure", "domain"):
            assert str(ours[attribute]).lower() == str(real[attribute]).lower(), (name, attribute)


def test_reusing_a_stale_refresh_token_over_http_revokes_the_session(sdk, st_login, client):
    logged_in = st_login(client, email=unique_email())
    child = refresh_session_without_request_response(logged_in.refresh_token)
    child_access = child.get_all_session_tokens_dangerously()["accessToken"]
    assert get_session_without_request_response(child_access) is not None  # promotes the child

    response = call(
        sdk, "/auth/session/refresh", cookies={"sRefreshToken": logged_in.refresh_token}
    )
    assert response.status_code == 401
    assert json.loads(response.content) == {"message": "token theft detected"}
    assert response.cookies["sAccessToken"].value == ""
    assert get_session_information(logged_in.session_handle) is None


def test_refresh_over_http_sets_new_cookies(sdk, st_login, client):
    logged_in = st_login(client, email=unique_email())
    response = call(
        sdk, "/auth/session/refresh", cookies={"sRefreshToken": logged_in.refresh_token}
    )
    assert response.status_code == 200
    new_access = response.cookies["sAccessToken"].value
    assert new_access not in ("", logged_in.access_token)
    assert response.cookies["sRefreshToken"].value not in ("", logged_in.refresh_token)
    assert response.headers["front-token"]
    session = get_session_without_request_response(new_access)
    assert session is not None
    assert session.get_user_id() == logged_in.user_id


def test_sign_up_over_http(sdk, st_core):
    email = unique_email()
    form = [{"id": "email", "value": email}, {"id": "password", "value": PASSWORD}]
    response = call(sdk, "/auth/signup", body={"formFields": form})
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "OK"
    assert body["user"]["emails"] == [email]
    session = get_session_without_request_response(response.cookies["sAccessToken"].value)
    assert session is not None
    assert session.get_user_id() == body["user"]["id"]

    again = json.loads(call(sdk, "/auth/signup", body={"formFields": form}).content)
    assert again["status"] == "FIELD_ERROR"
    assert again["formFields"][0]["id"] == "email"


@pytest.mark.emulator_only(reason="reads the emulated core's request log")
def test_sign_up_core_call_sequence(sdk, st_core):
    form = [{"id": "email", "value": unique_email()}, {"id": "password", "value": PASSWORD}]
    st_core.reset_log()
    assert call(sdk, "/auth/signup", body={"formFields": form}).status_code == 200
    paths = [path for _, path, _ in st_core.log]
    # The session is created last, after the user lookup (and, with the emailverification
    # recipe on, after the email claim's lookup).
    assert paths[-1] == "/public/recipe/session"
    assert "/user/id" in paths[:-1]
    assert "/public/recipe/signup" in paths
    assert all(status == 200 for _, _, status in st_core.log)
