"""A person at DRF's browsable API gets what a page gets; scripts keep the 401 JSON.

Sessions are made unusable by deleting the access token cookie (any core, no waiting); the
variants with a really expired token need the emulator. The client talks to ``localhost:8000``,
the configured API domain, so the server-side refresh is a path on the same host.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import AsyncClient, Client

from django_st_ssr.redirects import LOOP_COOKIE_NAME
from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.urls("tests.contrib.drf_urls")

HOST = "localhost:8000"
ORIGIN = {"origin": "http://localhost:8000"}
REFRESH = "/auth/session/refresh"
REFRESH_PAGE = "/refresh-session/"
# What a browser sends when the address bar or a link loads a page.
NAVIGATE = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Mode": "navigate",
}


@pytest.fixture(autouse=True)
def browsable_api(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "rest_framework"]


@pytest.fixture
def server_mode(settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}


def _browser() -> Client:
    return Client(HTTP_HOST=HOST, headers=NAVIGATE)


def _without_access_token(st_login, client: Client):
    session = st_login(client)
    del client.cookies["sAccessToken"]
    return session


def _query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def _shows_user(response, user_id: str) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and f"&quot;user&quot;: &quot;{user_id}&quot;" in response.content.decode()
    )


# -- REFRESH_MODE "server" ---------------------------------------------------------------------


def test_server_mode_refreshes_and_comes_back_to_the_browsable_page(st_login, server_mode):
    browser = _browser()
    session = _without_access_token(st_login, browser)

    page = browser.get("/api/me/?format=api")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH}?redirectBack=/api/me/%3Fformat%3Dapi"
    assert "no-store" in page["Cache-Control"]

    back = browser.get(page["Location"])
    assert back.status_code == 302
    assert back["Location"] == "/api/me/?format=api"
    assert back.cookies["sAccessToken"].value

    assert _shows_user(browser.get(back["Location"]), session.user_id)


def test_back_on_the_browsable_page_the_refresh_loop_guard_is_cleared(st_login, server_mode):
    # As on a page: a session accepted ends the round, so the next expiry starts counting at 0.
    browser = _browser()
    session = _without_access_token(st_login, browser)
    page = browser.get("/api/me/")
    assert page.status_code == 302
    assert page.cookies[LOOP_COOKIE_NAME].value  # one refresh round trip counted
    back = browser.get(page["Location"])
    assert back["Location"] == "/api/me/"
    assert browser.cookies[LOOP_COOKIE_NAME].value  # the refresh itself leaves it alone

    shown = browser.get(back["Location"])
    assert _shows_user(shown, session.user_id)
    assert shown.cookies[LOOP_COOKIE_NAME].value == ""
    assert "private" in shown["Cache-Control"]


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_server_mode_expired_token_is_refreshed_and_the_page_shows_the_user(
    st_core, st_login, server_mode
):
    browser = _browser()
    session = st_login(browser)
    st_core.expire_access_token_cookie(browser)
    response = browser.get("/api/me/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        f"{REFRESH}?redirectBack=/api/me/",
        "/api/me/",
    ]
    assert _shows_user(response, session.user_id)


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_on_a_public_view_refreshes_rather_than_showing_it_anonymously(
    st_core, st_login, server_mode
):
    browser = _browser()
    st_login(browser)
    st_core.expire_access_token_cookie(browser)
    response = browser.get("/api/public/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        f"{REFRESH}?redirectBack=/api/public/",
        "/api/public/",
    ]
    assert "&quot;authenticated&quot;: true" in response.content.decode()
    # Its scripts get the 401 they refresh on: expired is "try refresh", not anonymous.
    st_core.expire_access_token_cookie(browser)
    script = browser.get("/api/public/", headers={"Accept": "application/json"})
    assert script.status_code == 401
    assert script.json() == {"message": "try refresh token"}


def test_no_session_goes_through_the_refresh_to_sign_in(st_core, server_mode):
    browser = _browser()
    page = browser.get("/api/me/")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH}?redirectBack=/api/me/"
    assert "no-store" in page["Cache-Control"]
    handler = browser.get(page["Location"])
    assert handler.status_code == 303
    assert handler["Location"] == "/login/?next=/api/me/"
    # A public endpoint is still shown to the anonymous visitor.
    public = browser.get("/api/public/")
    assert public.status_code == 200
    assert "&quot;authenticated&quot;: false" in public.content.decode()


def test_revoked_session_clears_the_cookies_and_ends_on_sign_in(st_login, server_mode):
    from supertokens_python.recipe.session.syncio import revoke_session

    browser = _browser()
    session = st_login(browser)
    assert _shows_user(browser.get("/api/database/"), session.user_id)
    revoke_session(session.session_handle)

    page = browser.get("/api/database/")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH}?redirectBack=/api/database/"
    assert page.cookies["sAccessToken"].value == ""
    assert page.cookies["sRefreshToken"].value == ""
    handler = browser.get(page["Location"])
    assert handler.status_code == 303
    assert handler["Location"] == "/login/?next=/api/database/"


def test_browsable_form_post_is_sent_again_through_the_server_refresh(st_login, server_mode):
    browser = _browser()
    session = _without_access_token(st_login, browser)
    form = browser.post("/api/me/", {"_content": "x"})
    assert form.status_code == 307
    assert form["Location"] == f"{REFRESH}?redirectBack=/api/me/"
    again = browser.post(form["Location"], {"_content": "x"})
    assert again.status_code == 307
    assert again["Location"] == "/api/me/"
    assert _shows_user(browser.post("/api/me/", {"_content": "x"}), session.user_id)


# -- REFRESH_MODE "page" (the test settings' mode) --------------------------------------------


def test_page_mode_sends_the_browser_to_the_refresh_page_then_shows_the_user(st_login):
    browser = _browser()
    session = _without_access_token(st_login, browser)
    page = browser.get("/api/me/")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH_PAGE}?redirectBack=/api/me/"
    # What the refresh page's script does: refresh through the SDK's API, then go back.
    refreshed = browser.post(REFRESH, headers={**ORIGIN, "rid": "session"})
    assert refreshed.status_code == 200
    assert _shows_user(browser.get("/api/me/"), session.user_id)


def test_page_mode_browsable_form_post_keeps_its_fields_on_the_resubmitting_page(st_login):
    browser = _browser()
    _without_access_token(st_login, browser)
    form = browser.post("/api/me/", {"_content": "kept"})
    assert form.status_code == 401
    assert form["Content-Type"].startswith("text/html")
    assert '<input type="hidden" name="_content" value="kept">' in form.content.decode()
    assert "no-store" in form["Cache-Control"]


@pytest.mark.anyio
async def test_page_mode_under_asgi(st_alogin):
    # AsyncClient drops client-wide headers: each request names its own.
    browser = AsyncClient()
    session = await st_alogin(browser)
    del browser.cookies["sAccessToken"]
    page = await browser.get("/api/me/", headers=NAVIGATE)
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH_PAGE}?redirectBack=/api/me/"
    refreshed = await browser.post(REFRESH, headers={**ORIGIN, "rid": "session"})
    assert refreshed.status_code == 200
    assert _shows_user(await browser.get("/api/me/", headers=NAVIGATE), session.user_id)


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_page_mode_expired_token_goes_to_the_refresh_page(st_core, st_login):
    browser = _browser()
    st_login(browser)
    st_core.expire_access_token_cookie(browser)
    page = browser.get("/api/me/")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH_PAGE}?redirectBack=/api/me/"


def test_page_mode_no_session_goes_to_the_refresh_page(st_core):
    page = _browser().get("/api/me/")
    assert page.status_code == 302
    assert page["Location"] == f"{REFRESH_PAGE}?redirectBack=/api/me/"


# -- Claims ------------------------------------------------------------------------------------


def test_unverified_email_goes_to_the_claim_redirect(st_login):
    browser = _browser()
    st_login(browser, email=unique_email("drf-nav"))
    page = browser.get("/api/verified/")
    assert page.status_code == 302
    assert page["Location"] == "/account/verify-email/?redirectBack=/api/verified/"
    assert "no-store" in page["Cache-Control"]


def test_missing_role_shows_the_not_allowed_page(st_login):
    browser = _browser()
    st_login(browser, payload={"st-role": {"v": ["viewer"], "t": 1}})
    page = browser.get("/api/editors/")
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")
    assert "Unmet requirements: st-role" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


# -- htmx -----------------------------------------------------------------------------------


def test_htmx_fragment_moves_the_whole_page_to_the_refresh(st_login, server_mode):
    client = Client(HTTP_HOST=HOST)
    session = _without_access_token(st_login, client)
    htmx = {"HX-Request": "true", "HX-Current-URL": "http://localhost:8000/dashboard/?tab=2"}
    response = client.get("/api/widget/", headers=htmx)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{REFRESH}?redirectBack=/dashboard/%3Ftab%3D2"
    # With web-js on the page, its interceptor refreshes on the 401 and replays the call.
    intercepted = client.get("/api/widget/", headers={**htmx, "st-auth-mode": "cookie"})
    assert intercepted.status_code == 401
    client.get(response["HX-Redirect"])
    assert client.get("/api/widget/", headers=htmx).content.decode() == (
        f"<p>{session.user_id}</p>"
    )


# -- Scripts keep the 401 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "application/json"},
        # supertokens-website's interceptor, even when the call asks for HTML
        {"Accept": "text/html", "rid": "anti-csrf", "st-auth-mode": "cookie"},
        {"Accept": "text/html", "Sec-Fetch-Mode": "cors"},
        {},  # curl: DRF's first renderer is JSON
    ],
    ids=["json", "web-js", "fetch", "no-accept"],
)
def test_scripts_keep_the_401(st_login, server_mode, headers):
    client = Client(HTTP_HOST=HOST, headers=headers)
    _without_access_token(st_login, client)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "SuperTokens"
    assert "Location" not in response
    assert "no-store" in response["Cache-Control"]


def test_a_claim_failing_only_for_a_form_leaves_the_page_alone(st_login):
    # The browsable API asks the permissions again for the POST form it may show: a claim
    # failing there refuses the form, not the page.
    browser = _browser()
    session = st_login(browser, payload={"st-role": {"v": ["viewer"], "t": 1}})
    page = browser.get("/api/notes/")
    assert _shows_user(page, session.user_id)
    assert 'method="POST"' not in page.content.decode()
    # An editor gets the form; a viewer's POST is refused with the claim page.
    assert browser.post("/api/notes/", {"_content": "x"}).status_code == 403
    st_login(browser, user_id=session.user_id, payload={"st-role": {"v": ["editor"], "t": 1}})
    assert 'method="POST"' in browser.get("/api/notes/").content.decode()
