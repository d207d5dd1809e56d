"""@ssr_session_required and SSRSessionRequiredMixin against a real SDK and the (emulated) core."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import AsyncClient, Client

from django_st_ssr.testing import unique_email

PROTECTED_SYNC = ["/protected/", "/cbv/"]
PROTECTED_ASYNC = ["/aprotected/", "/acbv/"]
PROTECTED = PROTECTED_SYNC + PROTECTED_ASYNC


def redirect_back(response) -> str:
    """The redirectBack value of a redirect to the refresh page."""
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.path == "/refresh-session/"
    return parse_qs(parts.query)["redirectBack"][0]


# -- valid sessions ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PROTECTED)
def test_valid_session_renders_the_view(st_login, url):
    client = Client()
    session = st_login(client, email=unique_email())
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{session.user_id}"


@pytest.mark.anyio
@pytest.mark.parametrize("url", PROTECTED)
async def test_valid_session_renders_the_view_asgi(st_alogin, url):
    client = AsyncClient()
    session = await st_alogin(client, email=unique_email())
    response = await client.get(url)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{session.user_id}"


def test_head_request_is_verified_too(st_login):
    client = Client()
    st_login(client)
    assert client.head("/protected/").status_code == 200
    assert Client().head("/protected/").status_code == 302


# -- no session / expired session -------------------------------------------------------------


@pytest.mark.parametrize("url", PROTECTED)
def test_no_session_navigation_redirects_to_refresh_page(st_core, url):
    response = Client().get(f"{url}?page=2&q=a%20b")
    assert response.status_code == 302
    assert redirect_back(response) == f"{url}?page=2&q=a%20b"


@pytest.mark.anyio
@pytest.mark.parametrize("url", PROTECTED)
async def test_no_session_navigation_redirects_asgi(st_core, url):
    response = await AsyncClient().get(url)
    assert response.status_code == 302
    assert redirect_back(response) == url


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
# Optional pages too: an expired token is a session that may still be renewed, not a visitor.
@pytest.mark.parametrize("url", [*PROTECTED, "/optional/", "/aoptional/", "/cbv-optional/"])
def test_expired_access_token_redirects_to_refresh(st_core, st_login, url):
    client = Client()
    st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get(url)
    assert response.status_code == 302
    assert redirect_back(response) == url
    # An expired token is "try refresh": the cookies stay for the refresh call to use.
    assert "sAccessToken" not in response.cookies


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
@pytest.mark.anyio
@pytest.mark.parametrize("url", PROTECTED)
async def test_expired_access_token_redirects_asgi(st_core, st_alogin, url):
    client = AsyncClient()
    await st_alogin(client)
    st_core.expire_access_token_cookie(client)
    response = await client.get(url)
    assert response.status_code == 302
    assert redirect_back(response) == url


def test_garbage_cookie_counts_as_no_session(st_core):
    client = Client()
    client.cookies["sAccessToken"] = "not-a-jwt"
    response = client.get("/protected/")
    assert response.status_code == 302
    assert redirect_back(response) == "/protected/"


# -- fetch / XHR / unsafe methods get 401 JSON, never a redirect ------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Mode": "cors"},
        {"Sec-Fetch-Mode": "same-origin"},
        {"X-Requested-With": "XMLHttpRequest"},
        # htmx through the frontend SDK's interceptor (plain htmx: tests/app/test_htmx.py).
        {"HX-Request": "true", "st-auth-mode": "cookie"},
        {"Accept": "application/json"},
        {"Accept": "application/json, text/html;q=0.5"},
    ],
)
@pytest.mark.parametrize("url", ["/protected/", "/aprotected/", "/cbv/"])
def test_non_navigation_gets_401_json(st_core, headers, url):
    response = Client(headers=headers).get(url)
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    assert response.headers["X-SuperTokens-Refresh-URL"] == "/refresh-session/"
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Mode": "navigate"},
        {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        {"Accept": "*/*"},
        {"Accept": "text/html, application/json"},
    ],
)
def test_browser_navigations_redirect(st_core, headers):
    response = Client(headers=headers).get("/protected/")
    assert response.status_code == 302


def test_unsafe_method_without_session_gets_401(st_core):
    response = Client().post("/form/", {"name": "x"})
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_on_fetch_gets_401(st_core, st_login):
    client = Client(headers={"Sec-Fetch-Mode": "cors"})
    st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get("/protected/")
    assert response.status_code == 401
    assert response.headers["X-SuperTokens-Refresh-URL"] == "/refresh-session/"


# -- optional sessions ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/optional/", "/aoptional/", "/cbv-optional/"])
def test_optional_session_without_session_runs_view(st_core, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert response.content == b"anonymous"


@pytest.mark.parametrize("url", ["/optional/", "/aoptional/", "/cbv-optional/"])
def test_optional_session_with_session(st_login, url):
    client = Client()
    session = st_login(client)
    response = client.get(url)
    assert response.content.decode() == f"user:{session.user_id}"


# -- check_database ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/database/", "/adatabase/"])
def test_check_database_after_revocation(st_login, url):
    from supertokens_python.recipe.session.syncio import revoke_session

    client = Client()
    session = st_login(client)
    assert client.get(url).status_code == 200
    assert revoke_session(session.session_handle) is True
    # Without check_database the token still verifies locally until it expires...
    assert client.get("/protected/").status_code == 200
    # ...with it, the revocation is seen at once and the cookies are cleared.
    response = client.get(url)
    assert response.status_code == 302
    assert redirect_back(response) == url
    assert response.cookies["sAccessToken"].value == ""
    assert response.cookies["sAccessToken"]["expires"].startswith("Thu, 01 Jan 1970")


@pytest.mark.parametrize("url", ["/database/", "/adatabase/"])
def test_check_database_after_revocation_on_fetch_clears_cookies(st_login, url):
    from supertokens_python.recipe.session.syncio import revoke_session

    client = Client(headers={"Sec-Fetch-Mode": "cors"})
    session = st_login(client)
    revoke_session(session.session_handle)
    response = client.get(url)
    assert response.status_code == 401
    assert response.cookies["sAccessToken"].value == ""
    assert response.headers["front-token"] == "remove"


# -- claims -----------------------------------------------------------------------------------


def _admin_payload(value: bool) -> dict:
    import time

    return {"st-ssr-admin": {"v": value, "t": int(time.time() * 1000)}}


@pytest.mark.parametrize("url", ["/admin-only/", "/aadmin-only/", "/cbv-admin/"])
def test_claim_validator_passes(st_login, url):
    client = Client()
    session = st_login(client, payload=_admin_payload(True))
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{session.user_id}"


@pytest.mark.parametrize("url", ["/admin-only/", "/aadmin-only/", "/cbv-admin/"])
def test_claim_validator_fails_with_403_page(st_login, url):
    client = Client()
    st_login(client, payload=_admin_payload(False))
    response = client.get(url)
    assert response.status_code == 403
    assert "django_st_ssr/invalid_claims.html" in [t.name for t in response.templates]
    assert "st-ssr-admin" in response.content.decode()


def test_claim_validator_fails_with_403_json_for_fetch(st_login):
    client = Client(headers={"Accept": "application/json"})
    st_login(client, payload=_admin_payload(False))
    response = client.get("/admin-only/")
    assert response.status_code == 403
    body = response.json()
    assert body["message"] == "invalid claim"
    assert [error["id"] for error in body["claimValidationErrors"]] == ["st-ssr-admin"]


def test_claim_redirect(st_login, settings):
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "CLAIM_REDIRECTS": {"st-ssr-admin": "/login/"},
    }
    client = Client()
    st_login(client, payload=_admin_payload(False))
    response = client.get("/admin-only/?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?redirectBack=/admin-only/%3Fx%3D1"


def test_empty_validator_list_skips_claims(st_login):
    client = Client()
    session = st_login(client, payload=_admin_payload(False))
    response = client.get("/no-claims/")
    assert response.content.decode() == f"user:{session.user_id}"


# -- decorator arguments ----------------------------------------------------------------------


def test_custom_refresh_and_login_urls(st_core):
    from django.core import signing

    response = Client().get("/custom-urls/")
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/elsewhere/refresh/"
    query = parse_qs(parts.query)
    assert query["redirectBack"] == ["/custom-urls/"]
    # Signed, and bound to the page it was issued for (see test_refresh_page.py).
    assert signing.loads(query["login"][0], salt="django_st_ssr.login-url") == {
        "t": "/custom-urls/",
        "l": "/elsewhere/login/",
        "f": "redirectBack",
    }


def test_custom_redirect_field_name(st_core):
    from django.core import signing

    response = Client().get("/custom-field/")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["back"] == ["/custom-field/"]
    # The refresh page learns the field's name from the signed context.
    context = signing.loads(query["login"][0], salt="django_st_ssr.login-url")
    assert context == {"t": "/custom-field/", "l": None, "f": "back"}


def test_bare_and_called_decorator_are_equivalent():
    from django_st_ssr import ssr_session_required

    def view(request):
        return None

    bare = ssr_session_required(view)
    called = ssr_session_required()(view)
    assert bare.ssr_session_policy == called.ssr_session_policy
    assert bare.__name__ == called.__name__ == "view"


def test_async_views_stay_async():
    from asgiref.sync import iscoroutinefunction

    from tests.app import views

    assert iscoroutinefunction(views.aprotected)
    assert not iscoroutinefunction(views.protected)
    assert views.AsyncProtectedView.view_is_async


# -- caching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "status"), [({}, 302), ({"Accept": "application/json"}, 401)])
def test_rejections_are_never_cached(st_core, headers, status):
    response = Client(headers=headers).get("/protected/")
    assert response.status_code == status
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_pages_that_used_the_session_vary_on_cookie(st_login):
    client = Client()
    st_login(client)
    assert "Cookie" in client.get("/protected/").headers["Vary"]
    assert "Cookie" in client.get("/").headers["Vary"]  # the lazy session was read
    assert "Vary" not in client.get("/untouched/").headers


def test_optional_session_is_a_real_none(st_core):
    assert Client().get("/optional-is-none/").content == b"True"


def test_mixin_policy_per_request_on_a_generic_view(st_login):
    assert Client().get("/cbv-policy/").status_code == 302
    assert Client().get("/cbv-policy/?public=1").status_code == 200
    client = Client()
    st_login(client)
    assert client.get("/cbv-policy/").status_code == 200
