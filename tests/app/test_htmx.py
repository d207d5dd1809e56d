"""htmx requests: a session needing refresh, a revoked session or missing claims end on a full page.

htmx ignores a 401 and follows a 3xx silently (swapping the refresh or sign-in page into the
fragment), so without the frontend SDK it gets ``HX-Redirect`` (a 204) into the refresh flow with
the *page's* URL as the way back. With the SDK intercepting (it adds ``st-auth-mode``), the 401
stays: the SDK refreshes and replays the call. Sessions are made unusable by deleting the access
token cookie or revoking them, so every test runs against a real core too.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import AsyncClient, Client

from tests.app.views import IsAdmin

HOST = "localhost:8000"
PAGE = "http://localhost:8000/dashboard/?tab=2"
HTMX = {"HX-Request": "true", "HX-Current-URL": PAGE, "Sec-Fetch-Mode": "cors", "Accept": "*/*"}
# What supertokens-website's XHR/fetch interceptor adds to the same htmx call.
HTMX_WITH_SDK = {**HTMX, "rid": "anti-csrf", "st-auth-mode": "cookie"}


def _hx_redirect(response) -> tuple[str, dict[str, list[str]]]:
    assert response.status_code == 204, response.content
    assert "Location" not in response.headers
    parts = urlsplit(response.headers["HX-Redirect"])
    return parts.path, parse_qs(parts.query)


def _signed_in_without_access_token(st_login) -> Client:
    client = Client(HTTP_HOST=HOST, headers=HTMX)
    st_login(client)
    del client.cookies["sAccessToken"]
    return client


@pytest.mark.parametrize("url", ["/protected/", "/aprotected/", "/cbv/"])
def test_htmx_without_session_is_sent_to_the_refresh_page_for_the_whole_page(st_core, url):
    response = Client(HTTP_HOST=HOST).get(f"{url}?fragment=1", headers=HTMX)
    path, query = _hx_redirect(response)
    assert path == "/refresh-session/"
    # The page htmx is on, not the fragment's URL.
    assert query["redirectBack"] == ["/dashboard/?tab=2"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.anyio
async def test_htmx_without_session_under_asgi(st_core):
    headers = {**HTMX, "HX-Current-URL": "http://testserver/dashboard/?tab=2"}
    response = await AsyncClient().get("/aprotected/", headers=headers)
    path, query = _hx_redirect(response)
    assert (path, query["redirectBack"]) == ("/refresh-session/", ["/dashboard/?tab=2"])


@pytest.mark.parametrize(
    "current",
    [
        "https://evil.example/x",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        "http://[::1",
    ],
)
def test_hostile_or_missing_current_url_falls_back_to_the_home_page(st_core, current):
    headers = {**HTMX, "HX-Current-URL": current}
    response = Client(HTTP_HOST=HOST).get("/protected/", headers=headers)
    _path, query = _hx_redirect(response)
    assert query["redirectBack"] == ["/"]


def test_htmx_with_the_frontend_sdk_keeps_the_401_it_refreshes_on(st_core):
    response = Client(HTTP_HOST=HOST).post("/protected/", {"note": "kept"}, headers=HTMX_WITH_SDK)
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    assert "HX-Redirect" not in response.headers


def test_htmx_post_is_sent_to_the_refresh_too_never_a_3xx(st_core):
    response = Client(HTTP_HOST=HOST).post("/protected/", {"note": "x"}, headers=HTMX)
    path, query = _hx_redirect(response)
    assert (path, query["redirectBack"]) == ("/refresh-session/", ["/dashboard/?tab=2"])


def test_server_mode_round_trip_returns_to_the_page_signed_in(st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}
    client = _signed_in_without_access_token(st_login)
    path, query = _hx_redirect(client.get("/protected/?fragment=1"))
    assert path == "/auth/session/refresh"
    assert query["redirectBack"] == ["/dashboard/?tab=2"]
    # htmx sets location.href: a navigation (no htmx headers) that refreshes and comes back.
    page = Client(HTTP_HOST=HOST)
    page.cookies = client.cookies
    back = page.get(urlsplit(client.get("/protected/")["HX-Redirect"]).path, query)
    assert back.status_code == 302
    assert back.headers["Location"] == "/dashboard/?tab=2"
    # The next htmx call of that page now renders the fragment.
    again = client.get("/protected/?fragment=1")
    assert again.status_code == 200
    assert again.content.decode().startswith("user:")


def test_revoked_session_ends_the_whole_page_on_sign_in(st_login, settings):
    from supertokens_python.recipe.session.syncio import revoke_session

    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}
    client = Client(HTTP_HOST=HOST, headers=HTMX)
    session = st_login(client)
    revoke_session(session.session_handle)
    response = client.get("/database/")
    path, query = _hx_redirect(response)
    assert response.cookies["sAccessToken"].value == ""  # the SDK's clearing is kept
    page = Client(HTTP_HOST=HOST)
    page.cookies = client.cookies
    end = page.get(path, query)
    assert end.status_code == 303
    assert end.headers["Location"] == "/login/?next=/dashboard/%3Ftab%3D2"


def test_missing_claim_replaces_the_whole_page_with_the_claim_page(st_login):
    client = Client(HTTP_HOST=HOST, headers=HTMX)
    st_login(client)
    response = client.get("/admin-only/")
    assert response.status_code == 200  # htmx swaps 2xx only
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert IsAdmin.key in response.content.decode()
    # A fetch still gets the SDK's 403 payload.
    fetch = client.get("/admin-only/", headers={"HX-Request": "", "Accept": "application/json"})
    assert fetch.status_code == 403
    assert fetch.json()["claimValidationErrors"][0]["id"] == IsAdmin.key


def test_missing_claim_with_a_claim_page_redirects_the_whole_page(st_login, settings):
    claim_pages = {IsAdmin.key: "verify-email"}
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CLAIM_REDIRECTS": claim_pages}
    client = Client(HTTP_HOST=HOST, headers=HTMX_WITH_SDK)
    st_login(client)
    path, query = _hx_redirect(client.get("/aadmin-only/"))
    assert (path, query["redirectBack"]) == ("/verify-email/", ["/dashboard/?tab=2"])


def test_signed_in_htmx_request_renders_the_fragment(st_login):
    client = Client(HTTP_HOST=HOST, headers=HTMX)
    session = st_login(client)
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.content.decode() == f"user:{session.user_id}"
