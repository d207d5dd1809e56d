"""Revocation and refresh-token theft, through the same HTTP steps a browser takes.

``visit`` plays the browser: load a page; on a redirect to the refresh page, do what refresh.js
does (POST the refresh API like supertokens-web-js; 200 -> the validated target, 401 -> the login
URL the page was given). Revocation goes through the SDK (``revoke_session``), so these tests
also hold against a real core; only the "expire now" shortcuts need the emulator.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from supertokens_python.recipe.session.syncio import revoke_session

from tests.security.conftest import LogSink

pytestmark = pytest.mark.urls("tests.security.urls")

REFRESH_HEADERS = {"rid": "session", "fdi-version": "4.0", "st-auth-mode": "cookie"}
CONFIG = re.compile(r'<script id="django-st-ssr-config" type="application/json">(.*?)</script>')


def refresh(client: Client) -> Any:
    return client.post("/auth/session/refresh", headers=REFRESH_HEADERS)


def visit(client: Client, path: str) -> tuple[str, str]:
    """(final path, page text) after following what a browser and refresh.js would do."""
    response = client.get(path)
    for _ in range(5):
        if response.status_code != 302:
            return path, response.content.decode()
        path = response["Location"]
        if urlsplit(path).path == "/refresh-session/":
            page = client.get(path)
            config = json.loads(CONFIG.search(page.content.decode()).group(1))  # type: ignore[union-attr]
            refreshed = refresh(client)
            assert refreshed.status_code in (200, 401), refreshed.status_code
            path = config["target"] if refreshed.status_code == 200 else config["loginUrl"]
        response = client.get(path)
    raise AssertionError(f"still redirecting at {path}")


def cleared(response: Any) -> set[str]:
    return {
        name
        for name in ("sAccessToken", "sRefreshToken")
        if name in response.cookies and not response.cookies[name].value
    }


# -- revocation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/database/", "/adatabase/"])
def test_revoked_session_is_refused_at_once_on_check_database_pages(
    st_core: Any, st_login: Any, page: str
) -> None:
    client = Client()
    session = st_login(client)
    assert visit(client, page) == (page, f"user:{session.user_id}")
    assert revoke_session(session.session_handle)
    final, text = visit(client, page)
    assert urlsplit(final).path == "/login/"
    assert text == "login page"
    # The failed refresh removed the session cookies: the browser is signed out for good.
    assert not client.cookies["sAccessToken"].value
    assert visit(client, "/page/")[1] == "login page"


def test_revoked_session_elsewhere_lasts_at_most_one_access_token_lifetime(
    st_core: Any, st_login: Any
) -> None:
    # Pages without check_database verify the signed token locally: a revocation shows once
    # the access token expires (its lifetime is the bound), then the refresh fails.
    client = Client()
    session = st_login(client)
    assert revoke_session(session.session_handle)
    assert visit(client, "/page/") == ("/page/", f"user:{session.user_id}")
    st_core.expire_access_token_cookie(client)  # one access-token lifetime later
    final, text = visit(client, "/page/")
    assert (urlsplit(final).path, text) == ("/login/", "login page")


@pytest.mark.emulator_only(reason="shortens the emulator's access token lifetime")
def test_revocation_bound_with_a_real_short_lifetime(st_core: Any, st_login: Any) -> None:
    # The same with the clock instead of a forged expiry: a 2-second access token.
    st_core.access_token_validity = 2
    client = Client()
    session = st_login(client)
    assert revoke_session(session.session_handle)
    started = time.monotonic()
    assert visit(client, "/page/")[1] == f"user:{session.user_id}"
    while visit(client, "/page/")[1] != "login page":
        assert time.monotonic() - started < 8, "revoked session still accepted 8 s after revoke"
        time.sleep(0.2)
    print(
        f"\n[revocation] 2 s access token: refused {time.monotonic() - started:.1f} s after revoke"
    )


# -- refresh-token theft ----------------------------------------------------------------------


def test_reusing_a_rotated_refresh_token_revokes_the_session(
    st_core: Any, st_login: Any, log_sink: LogSink
) -> None:
    victim = Client()
    session = st_login(victim)
    stolen = session.refresh_token

    # The victim refreshes and uses the new tokens: the old refresh token is now retired.
    assert refresh(victim).status_code == 200
    assert visit(victim, "/database/") == ("/database/", f"user:{session.user_id}")
    assert refresh(victim).status_code == 200
    assert visit(victim, "/database/") == ("/database/", f"user:{session.user_id}")

    # The thief replays the stolen one.
    thief = Client()
    response = thief.post(
        "/auth/session/refresh", HTTP_COOKIE=f"sRefreshToken={stolen}", headers=REFRESH_HEADERS
    )
    assert response.status_code == 401
    assert response.json() == {"message": "token theft detected"}
    assert "sAccessToken" not in response.cookies or not response.cookies["sAccessToken"].value

    # The session is gone for both: the victim ends on the login page and must sign in again.
    final, text = visit(victim, "/database/")
    assert (urlsplit(final).path, text) == ("/login/", "login page")
    assert visit(victim, "/page/")[1] == "login page"
    assert visit(thief, "/page/")[1] == "login page"
    log_sink.assert_free_of([stolen, session.access_token])


def test_two_tabs_refreshing_with_the_same_token_stay_signed_in(
    st_core: Any, st_login: Any
) -> None:
    # Not theft: two tabs of one browser both refresh with the token they share before either
    # new token is used. Neither is logged out.
    tab1 = Client()
    session = st_login(tab1)
    tab2 = Client()
    for name in ("sAccessToken", "sRefreshToken"):
        tab2.cookies[name] = tab1.cookies[name].value
    assert refresh(tab1).status_code == 200
    assert refresh(tab2).status_code == 200
    assert visit(tab1, "/database/") == ("/database/", f"user:{session.user_id}")
    assert visit(tab2, "/database/") == ("/database/", f"user:{session.user_id}")
