"""SuperTokensMiddleware: /auth APIs, cookies the SDK queued, lazy request.st_session."""

from __future__ import annotations

import json
import threading

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from django_st_ssr.middleware import SuperTokensMiddleware
from django_st_ssr.testing import unique_email

PASSWORD = "Secret-pw-123"


def _form(email: str) -> str:
    return json.dumps(
        {
            "formFields": [
                {"id": "email", "value": email},
                {"id": "password", "value": PASSWORD},
            ]
        }
    )


def _sign_up(client: Client, email: str):
    return client.post("/auth/signup", _form(email), content_type="application/json")


# -- the SDK's APIs ---------------------------------------------------------------------------


def test_sign_up_and_in_through_the_middleware_sets_session_cookies(st_core):
    client = Client()
    email = unique_email()
    response = _sign_up(client, email)
    assert response.status_code == 200
    assert response.json()["status"] == "OK"
    assert response.cookies["sAccessToken"].value
    assert response.cookies["sAccessToken"]["httponly"]
    assert response.cookies["sRefreshToken"]["path"] == "/auth/session/refresh"
    assert response.headers["front-token"]
    user_id = response.json()["user"]["id"]
    assert client.get("/protected/").content.decode() == f"user:{user_id}"

    fresh = Client()
    response = fresh.post("/auth/signin", _form(email), content_type="application/json")
    assert response.json()["status"] == "OK"
    assert fresh.get("/protected/").content.decode() == f"user:{user_id}"


@pytest.mark.anyio
async def test_sign_up_through_the_async_middleware(st_core):
    client = AsyncClient()
    response = await client.post(
        "/auth/signup", _form(unique_email()), content_type="application/json"
    )
    assert response.status_code == 200
    user_id = response.json()["user"]["id"]
    assert response.cookies["sAccessToken"].value
    assert (await client.get("/aprotected/")).content.decode() == f"user:{user_id}"


def test_wrong_password_is_answered_by_the_sdk(st_core):
    client = Client()
    email = unique_email()
    _sign_up(client, email)
    body = json.dumps(
        {"formFields": [{"id": "email", "value": email}, {"id": "password", "value": "nope-123"}]}
    )
    response = Client().post("/auth/signin", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "WRONG_CREDENTIALS_ERROR"
    assert "sAccessToken" not in response.cookies


def test_sdk_apis_are_not_blocked_by_django_csrf(st_core):
    # The SDK protects its own APIs (SameSite cookies, its anti-CSRF modes).
    client = Client(enforce_csrf_checks=True)
    assert _sign_up(client, unique_email()).status_code == 200


def test_refresh_and_sign_out(st_core):
    client = Client()
    _sign_up(client, unique_email())
    old_access = client.cookies["sAccessToken"].value
    response = client.post("/auth/session/refresh", headers={"rid": "session"})
    assert response.status_code == 200
    new_access = response.cookies["sAccessToken"].value
    assert new_access
    assert new_access != old_access

    # First use of a refreshed token: the core issues its final form, which the middleware
    # writes on the page response (cookie and front-token).
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.cookies["sAccessToken"].value not in ("", new_access)
    assert response.headers["front-token"]

    response = client.post("/auth/signout", headers={"rid": "session"})
    assert response.json() == {"status": "OK"}
    assert response.cookies["sAccessToken"].value == ""
    assert response.headers["front-token"] == "remove"
    assert client.get("/protected/").status_code == 302


def test_refresh_without_refresh_token_is_unauthorised(st_core):
    response = Client().post("/auth/session/refresh", headers={"rid": "session"})
    assert response.status_code == 401


def test_unknown_path_under_api_base_path_reaches_django(st_core):
    assert Client().get("/auth/no-such-api").status_code == 404


# -- lazy request.st_session -------------------------------------------------------------------


def test_lazy_session_anonymous_and_signed_in(st_login):
    assert Client().get("/").content == b"anonymous"
    client = Client()
    session = st_login(client)
    assert client.get("/").content.decode() == f"user:{session.user_id}"


def test_lazy_session_is_the_session_or_none_and_is_kept(st_login):
    # None itself for a visitor (not a falsy stand-in), the SDK's session object once signed
    # in; worked out once, and the request still reads as Django's own.
    answer = Client().get("/session-kinds/?a=1").content.decode()
    assert answer == "NoneType True False <WSGIRequest: GET '/session-kinds/?a=1'>"
    client = Client()
    st_login(client)
    answer = client.get("/session-kinds/").content.decode()
    assert answer == "Session True True <WSGIRequest: GET '/session-kinds/'>"


@pytest.mark.anyio
async def test_ast_session(st_alogin):
    assert (await AsyncClient().get("/ahome/")).content == b"anonymous"
    client = AsyncClient()
    session = await st_alogin(client)
    assert (await client.get("/ahome/")).content.decode() == f"user:{session.user_id}"


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_lazy_session_is_none_for_an_expired_token(st_core, st_login):
    client = Client()
    st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == b"anonymous"


def test_lazy_session_ignores_claims(st_login):
    import time

    client = Client()
    session = st_login(client, payload={"st-ssr-admin": {"v": False, "t": int(time.time() * 1000)}})
    assert client.get("/").content.decode() == f"user:{session.user_id}"


def test_unrelated_pages_never_verify_or_call_the_sdk(st_login, monkeypatch):
    from supertokens_python import Supertokens

    import django_st_ssr.middleware as middleware

    verified: list[object] = []
    sdk_calls: list[object] = []
    real_verify = middleware.verify_request
    real_sdk_middleware = Supertokens.middleware

    def counting_verify(*args, **kwargs):
        verified.append(args)
        return real_verify(*args, **kwargs)

    async def counting_sdk_middleware(self, *args, **kwargs):
        sdk_calls.append(args)
        return await real_sdk_middleware(self, *args, **kwargs)

    monkeypatch.setattr(middleware, "verify_request", counting_verify)
    monkeypatch.setattr(Supertokens, "middleware", counting_sdk_middleware)
    client = Client()
    st_login(client)
    assert client.get("/untouched/").content == b"untouched"
    assert verified == []
    assert sdk_calls == []
    client.get("/")
    assert len(verified) == 1
    assert sdk_calls == []
    client.post("/auth/session/refresh", headers={"rid": "session"})
    assert len(sdk_calls) == 1


def test_decorated_views_do_not_verify_twice(st_login, monkeypatch):
    import django_st_ssr.middleware as middleware

    def fail(*args, **kwargs):
        raise AssertionError("the decorator's verification should have been reused")

    monkeypatch.setattr(middleware, "verify_request", fail)
    client = Client()
    st_login(client)
    assert client.get("/protected/").status_code == 200


# -- sync and async capable -------------------------------------------------------------------


def test_middleware_declares_both_modes():
    assert SuperTokensMiddleware.sync_capable is True
    assert SuperTokensMiddleware.async_capable is True

    async def aget_response(request):
        return HttpResponse()

    def get_response(request):
        return HttpResponse()

    assert iscoroutinefunction(SuperTokensMiddleware(aget_response))
    assert not iscoroutinefunction(SuperTokensMiddleware(get_response))


@pytest.mark.anyio
async def test_async_views_run_on_the_event_loop_thread(st_core):
    # If any middleware in the chain (ours included) were sync-only, Django would run it in a
    # worker thread and the async view on another event loop there.
    response = await AsyncClient().get("/athread/")
    assert int(response.content) == threading.get_ident()


def test_sync_verify_inside_an_event_loop_gives_a_clear_error(st_core):
    import asyncio

    from django.core.exceptions import SynchronousOnlyOperation

    from django_st_ssr.verify import verify_request

    request = RequestFactory().get("/")

    async def inside_loop():
        with pytest.raises(SynchronousOnlyOperation, match="ast_session"):
            verify_request(request)

    asyncio.run(inside_loop())


def test_init_error_is_raised_on_first_use(monkeypatch):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    config = apps.get_app_config("django_st_ssr")
    monkeypatch.setattr(type(config), "init_error", ImproperlyConfigured("settings broken"))
    middleware = SuperTokensMiddleware(lambda request: HttpResponse())
    with pytest.raises(ImproperlyConfigured, match="settings broken"):
        middleware(RequestFactory().get("/"))
