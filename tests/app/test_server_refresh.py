"""REFRESH_MODE "server": pages are refreshed by a GET at the SDK's refresh path, on the server.

The test client talks to ``localhost:8000``, the configured API domain, so pages and API share
one origin as in the example project. Sessions are made unusable by deleting the access token
cookie (works against a real core too); the expired-token variants need the emulator.
"""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from django_st_ssr import refresh

HOST = "localhost:8000"
REFRESH = "/auth/session/refresh"
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}


@pytest.fixture(autouse=True)
def server_mode(settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}


def _client(**kwargs) -> Client:
    return Client(HTTP_HOST=HOST, **kwargs)


def _signed_in(st_login, **kwargs):
    client = _client(**kwargs)
    session = st_login(client)
    # No usable access token: the page must be refreshed (any core, no waiting).
    del client.cookies["sAccessToken"]
    return client, session


def _query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def _cleared(response, name: str) -> bool:
    morsel = response.cookies.get(name)
    if morsel is None or morsel.value != "":
        return False
    # Ours use Max-Age=0; the SDK's an expiry date in 1970.
    return str(morsel["max-age"]) == "0" or "1970" in str(morsel["expires"])


def test_page_goes_through_the_server_refresh_and_comes_back(st_login):
    client, session = _signed_in(st_login)
    old_refresh = client.cookies["sRefreshToken"].value

    page = client.get("/protected/?tab=x&b=2")
    assert page.status_code == 302
    location = page.headers["Location"]
    assert urlsplit(location).path == REFRESH
    assert _query(location) == {"redirectBack": ["/protected/?tab=x&b=2"]}
    assert "no-store" in page.headers["Cache-Control"]

    handler = client.get(location)
    assert handler.status_code == 302
    assert handler.headers["Location"] == "/protected/?tab=x&b=2"
    assert "no-store" in handler.headers["Cache-Control"]
    # Rotated tokens, written like the SDK's refresh API writes them.
    assert handler.cookies["sAccessToken"].value
    assert handler.cookies["sRefreshToken"].value not in ("", old_refresh)
    assert handler.cookies["sRefreshToken"]["path"] == REFRESH
    assert handler.cookies["sRefreshToken"]["httponly"]
    # And the browser state web-js would have stored from the front-token header.
    front = handler.cookies[refresh.FRONT_TOKEN].value
    assert front == handler.headers["front-token"]
    assert json.loads(base64.b64decode(front))["uid"] == session.user_id
    assert int(handler.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE].value) > 0

    again = client.get("/protected/?tab=x&b=2")
    assert again.status_code == 200
    assert again.content.decode() == f"user:{session.user_id}"


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_access_token_is_refreshed_on_the_server(st_core, st_login):
    client = _client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    response = client.get("/aprotected/", follow=True)
    assert response.content.decode() == f"user:{session.user_id}"
    assert [url for url, _ in response.redirect_chain] == [
        f"{REFRESH}?redirectBack=/aprotected/",
        "/aprotected/",
    ]


def test_head_navigation_is_refreshed_too(st_login):
    client, _ = _signed_in(st_login)
    location = client.head("/protected/").headers["Location"]
    response = client.head(location)
    assert response.status_code == 302
    assert response.cookies["sAccessToken"].value


def test_fetch_still_gets_401_naming_the_server_refresh(st_login):
    client, _ = _signed_in(st_login, headers={"Sec-Fetch-Mode": "cors"})
    response = client.get("/protected/")
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    assert response.headers["X-SuperTokens-Refresh-URL"] == REFRESH


def test_no_refresh_token_ends_on_the_login_page_and_clears_the_session(st_core):
    client = _client()
    client.cookies["sAccessToken"] = "stale"
    response = client.get(f"{REFRESH}?redirectBack=/protected/%3Ftab%3Dx")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login/?next=/protected/%3Ftab%3Dx"
    # As the SDK's refresh API would: no refresh token, so the stale access token goes.
    assert _cleared(response, "sAccessToken")
    assert _cleared(response, refresh.FRONT_TOKEN)
    assert response.headers["front-token"] == "remove"


def test_cross_site_navigation_without_cookies_clears_nothing(st_login):
    # SameSite=Strict: a link from another site arrives without the session cookies. The
    # session is not over, so nothing may be cleared; the visitor sees the login page.
    client, session = _signed_in(st_login)
    refresh_cookie = client.cookies["sRefreshToken"].value
    stranger = _client(headers={"Sec-Fetch-Site": "cross-site", **NAVIGATE})
    response = stranger.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login/?next=/protected/"
    assert not response.cookies
    assert "front-token" not in response.headers
    # The real browser, once back on the site, still has its session.
    assert client.cookies["sRefreshToken"].value == refresh_cookie
    assert client.get("/protected/", follow=True).content.decode() == f"user:{session.user_id}"


def test_forced_cross_site_refresh_only_rotates_and_returns_to_a_page_of_this_site(st_login):
    # A link on another site to the handler, with Lax cookies sent: the tokens rotate (as on any
    # visit) and the browser lands on a validated page of this site, signed in. The attacker
    # reads nothing (cross-origin) and chooses no session.
    client, session = _signed_in(st_login, headers={"Sec-Fetch-Site": "cross-site", **NAVIGATE})
    response = client.get(f"{REFRESH}?redirectBack=https://evil.example/steal")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/protected/").content.decode() == f"user:{session.user_id}"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://localhost:8000@evil.example/",
        "/ok\r\nSet-Cookie: x=y",
        "http://localhost:8000.evil.example/",
    ],
)
def test_hostile_targets_never_leave_the_site(st_login, target):
    client, _ = _signed_in(st_login)
    response = client.get(REFRESH, {"redirectBack": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    failed = _client().get(REFRESH, {"redirectBack": target})
    assert failed.headers["Location"] == "/login/?next=/"


def test_revoked_session_ends_on_the_login_page_with_cookies_cleared(st_login):
    from supertokens_python.recipe.session.syncio import revoke_session

    client, session = _signed_in(st_login)
    revoke_session(session.session_handle)
    response = client.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login/?next=/protected/"
    assert _cleared(response, "sAccessToken")
    assert _cleared(response, "sRefreshToken")
    assert _cleared(response, refresh.FRONT_TOKEN)
    assert int(response.cookies[refresh.LAST_ACCESS_TOKEN_UPDATE].value) > 0


def test_replayed_refresh_token_is_theft_and_revokes_the_session(st_login):
    from supertokens_python.recipe.session.syncio import get_session_information

    client, session = _signed_in(st_login)
    stolen = client.cookies["sRefreshToken"].value
    assert client.get(f"{REFRESH}?redirectBack=/protected/").status_code == 302
    # The rotated token is used once (the core now knows the old one is stale)...
    assert client.get("/protected/").status_code == 200
    del client.cookies["sAccessToken"]
    assert client.get(f"{REFRESH}?redirectBack=/protected/").status_code == 302
    # ...then the thief replays the first one.
    thief = _client()
    thief.cookies["sRefreshToken"] = stolen
    response = thief.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login/?next=/protected/"
    # The SDK's on_token_theft_detected ran: the session is revoked for the owner too.
    assert get_session_information(session.session_handle) is None


def test_sdk_post_refresh_api_is_unchanged(st_login):
    client, _ = _signed_in(st_login)
    response = client.post(REFRESH, headers={"rid": "session", "st-auth-mode": "cookie"})
    assert response.status_code == 200
    assert response.headers["front-token"]
    assert refresh.FRONT_TOKEN not in response.cookies  # web-js stores it itself
    assert response.cookies["sAccessToken"].value
    # Without the rid header and without a redirect field it is still the SDK's API.
    response = _client().post(REFRESH)
    assert response.status_code == 401
    assert response.json()["message"] == "unauthorised"


def test_custom_header_anti_csrf_mode(st_login, monkeypatch):
    from supertokens_python.recipe.session.recipe import SessionRecipe

    monkeypatch.setattr(
        SessionRecipe.get_instance().config, "anti_csrf_function_or_string", "VIA_CUSTOM_HEADER"
    )
    client, session = _signed_in(st_login)
    # The SDK's POST API still wants its header...
    assert client.post(REFRESH).status_code == 401
    client, session = _signed_in(st_login)
    # ...while a navigation, which cannot send one, is refreshed: nothing but rotation happens.
    response = client.get("/protected/", follow=True)
    assert response.content.decode() == f"user:{session.user_id}"


def test_via_token_anti_csrf_mode_writes_the_new_anti_csrf_token(st_login, monkeypatch):
    from supertokens_python.recipe.session.recipe import SessionRecipe

    monkeypatch.setattr(
        SessionRecipe.get_instance().config, "anti_csrf_function_or_string", "VIA_TOKEN"
    )
    client, session = _signed_in(st_login)
    assert session.anti_csrf_token
    # web-js keeps the anti-csrf token in a cookie: the handler hands it to the core...
    client.cookies[refresh.ANTI_CSRF] = session.anti_csrf_token
    response = client.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 302
    # ...and stores the new one where web-js reads it: the value the SDK put in its header.
    assert response.headers["anti-csrf"]
    assert response.cookies[refresh.ANTI_CSRF].value == response.headers["anti-csrf"]
    # A browser that lost that cookie is still refreshed (the core issues no anti-csrf token).
    client, _ = _signed_in(st_login)
    response = client.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 302
    assert response.cookies["sAccessToken"].value


@pytest.mark.emulator_only(reason="takes the core down")
def test_core_down_answers_503_and_keeps_the_cookies(st_core, st_login):
    client, _ = _signed_in(st_login)
    st_core.down()
    response = client.get(f"{REFRESH}?redirectBack=/protected/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode().lower()
    assert not [name for name, morsel in response.cookies.items() if morsel.value == ""]


def test_loop_guard_applies(st_core):
    client = _client()
    for _ in range(3):
        assert urlsplit(client.get("/protected/").headers["Location"]).path == REFRESH
    assert client.get("/protected/").headers["Location"] == "/refresh-session/?error=loop"


def test_view_login_url_reaches_the_handler_signed(st_core):
    location = _client().get("/custom-urls/").headers["Location"]
    # A view's own refresh_url still chooses its refresh page...
    assert urlsplit(location).path == "/elsewhere/refresh/"


def test_view_login_url_is_used_after_a_failed_server_refresh(st_core, settings):
    from django_st_ssr import redirects

    signed = redirects.sign_refresh_context(
        "/protected/", login_url="/elsewhere/login/", field="redirectBack"
    )
    response = _client().get(REFRESH, {"redirectBack": "/protected/", "login": signed})
    assert response.headers["Location"] == "/elsewhere/login/?next=/protected/"


def test_split_hosts_use_absolute_urls(st_login, settings):
    # Pages on 127.0.0.1, the API on localhost:8000: the way there and back names the hosts.
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "APP_INFO": {**settings.SUPERTOKENS["APP_INFO"], "website_domain": "http://127.0.0.1"},
    }
    page = Client(HTTP_HOST="127.0.0.1").get("/protected/?tab=x")
    location = page.headers["Location"]
    assert location.startswith(f"http://{HOST}{REFRESH}?")
    assert _query(location)["redirectBack"] == ["http://127.0.0.1/protected/?tab=x"]
    client, _ = _signed_in(st_login)
    response = client.get(location)
    assert response.headers["Location"] == "http://127.0.0.1/protected/?tab=x"
    failed = _client().get(location)
    assert failed.headers["Location"] == (
        "http://127.0.0.1/login/?next=http%3A//127.0.0.1/protected/%3Ftab%3Dx"
    )


def test_nothing_secret_is_logged(st_login, caplog):
    client, session = _signed_in(st_login)
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"{REFRESH}?redirectBack=/protected/")
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (session.refresh_token, response.cookies["sAccessToken"].value):
        assert secret not in text


def test_invalid_refresh_mode_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    from django_st_ssr.checks import check_refresh_mode

    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "js"}
    assert [m.id for m in check_refresh_mode()] == ["django_st_ssr.E010"]
    with pytest.raises(ImproperlyConfigured, match="REFRESH_MODE"):
        Client().get("/protected/")


# -- form POSTs with an expired session keep their data (issue item 4) ------------------------


def _form_client(st_login):
    client, session = _signed_in(st_login, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client, session


FORM = {"name": "Bo", "csrfmiddlewaretoken": CSRF_SECRET}
BROWSER_POST = {**NAVIGATE, "Origin": f"http://{HOST}"}


def test_form_post_is_relayed_through_the_refresh_with_its_data(st_login):
    client, session = _form_client(st_login)
    response = client.post("/form/?step=2", FORM, headers=BROWSER_POST)
    assert response.status_code == 307
    location = response.headers["Location"]
    assert location == f"{REFRESH}?redirectBack=/form/%3Fstep%3D2"
    # The browser repeats the POST (same body) at the refresh path...
    relayed = client.post(location, FORM, headers=BROWSER_POST)
    assert relayed.status_code == 307
    assert relayed.headers["Location"] == "/form/?step=2"
    assert relayed.cookies["sAccessToken"].value
    # ...and again at the form, now with a session; Django's CSRF check ran on it.
    final = client.post("/form/?step=2", FORM, headers=BROWSER_POST)
    assert final.status_code == 200
    assert final.content.decode() == f"posted:Bo:{session.user_id}"


def test_relayed_form_without_csrf_token_is_still_refused_by_django(st_login):
    client, _ = _form_client(st_login)
    location = client.post("/form/", FORM, headers=BROWSER_POST).headers["Location"]
    client.post(location, {"name": "Bo"}, headers=BROWSER_POST)
    assert client.post("/form/", {"name": "Bo"}, headers=BROWSER_POST).status_code == 403


def test_relayed_form_without_a_session_ends_on_the_login_page_as_a_get(st_core):
    client = _client()
    location = client.post("/form/", FORM, headers=BROWSER_POST).headers["Location"]
    response = client.post(location, FORM, headers=BROWSER_POST)
    assert response.status_code == 303  # browsers follow 303 with GET: no POST to the login page
    assert response.headers["Location"] == "/login/?next=/form/"


def test_api_client_post_still_gets_json(st_core):
    response = _client().post("/form/", {"name": "x"})
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}


def _hidden_fields(html: str) -> dict[str, str]:
    from html.parser import HTMLParser

    fields: dict[str, str] = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "input" and attributes.get("type") == "hidden":
                fields[attributes["name"]] = attributes["value"]

    Parser().feed(html)
    return fields


@pytest.mark.parametrize("mode", ["page", "split"])
def test_form_post_that_cannot_be_relayed_gets_a_resubmission_page(st_login, settings, mode):
    if mode == "page":
        settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "page"}
        client = _client()
    else:  # the form is on another host than the API: a 307 chain would end with Origin: null
        client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/form/?step=2", {**FORM, "name": "<Bo>"}, headers=NAVIGATE)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="django-st-ssr-resubmit"' in html
    assert 'action="/form/?step=2"' in html
    assert _hidden_fields(html) == {"name": "<Bo>", "csrfmiddlewaretoken": CSRF_SECRET}
    assert "&lt;Bo&gt;" in html  # escaped
    assert "no-store" in response.headers["Cache-Control"]
    assert "django_st_ssr/refresh.js" in html
