"""An optional-session page and a visitor holding a stale access cookie but no refresh token.

The page tries one refresh (the visitor may well be signed in); when that cannot produce a
session, the visitor sees the page anonymously, not the login page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

PAGE = {
    "HTTP_ACCEPT": "text/html",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "HTTP_SEC_FETCH_SITE": "same-origin",
}


def follow(client: Client, url: str, limit: int = 6) -> tuple[Any, list[str]]:
    """GET ``url`` and follow redirects on this site; (final response, paths visited)."""
    visited = []
    response = client.get(url, **PAGE)
    while response.status_code in (301, 302, 303, 307) and len(visited) < limit:
        location = response["Location"]
        visited.append(location)
        parts = urlsplit(location)
        response = client.get(parts.path, dict(_query(parts.query)), **PAGE)
    return response, visited


def _query(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


@pytest.mark.parametrize("mode", ["server", "page"])
def test_stale_access_cookie_without_refresh_token_sees_the_page_anonymously(
    st_login: Any, settings: Any, mode: str
) -> None:
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": mode}
    client = Client()
    session = st_login(client)
    client.cookies["sAccessToken"] = session.access_token[:-4] + "AAAA"  # stale: not verifiable
    del client.cookies["sRefreshToken"]
    response, visited = follow(client, "/optional/")
    if mode == "page":
        # The refresh page's script would run the refresh and, on failure, go to its login URL:
        # for an optional page that is the page itself.
        assert response.status_code == 200
        assert "/login/" not in response.context["login_url"], response.context["login_url"]
        assert urlsplit(response.context["login_url"]).path == "/optional/"
        client.cookies.pop("sAccessToken")  # what the SDK's failed refresh call clears
        response, visited = follow(client, response.context["login_url"])
    assert not any(urlsplit(v).path == "/login/" for v in visited), visited
    assert response.status_code == 200
    assert response.content == b"anonymous"


def test_a_signed_in_visitor_with_a_stale_access_token_is_still_refreshed(
    st_login: Any, settings: Any
) -> None:
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}
    client = Client()
    session = st_login(client)
    client.cookies["sAccessToken"] = session.access_token[:-4] + "AAAA"  # refresh token kept
    response, visited = follow(client, "/optional/")
    assert any("/auth/session/refresh" in v for v in visited), visited
    assert response.content.decode() == f"user:{session.user_id}"


def test_when_the_stale_cookie_stays_the_page_still_ends_anonymous(
    st_login: Any, settings: Any
) -> None:
    # From another site the refresh clears nothing (SameSite cookies may just be withheld), so
    # the stale cookie comes back: one round trip, then the page, never a loop.
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}
    client = Client()
    session = st_login(client)
    client.cookies["sAccessToken"] = session.access_token[:-4] + "AAAA"
    del client.cookies["sRefreshToken"]
    first = client.get("/optional/", **{**PAGE, "HTTP_SEC_FETCH_SITE": "cross-site"})
    assert first.status_code == 302
    refresh = urlsplit(first["Location"])
    back = client.get(refresh.path, dict(_query(refresh.query)), HTTP_SEC_FETCH_SITE="cross-site")
    assert urlsplit(back["Location"]).path == "/optional/"
    assert client.cookies["sAccessToken"].value  # not cleared
    page = client.get("/optional/", **{**PAGE, "HTTP_SEC_FETCH_SITE": "cross-site"})
    assert (page.status_code, page.content) == (200, b"anonymous")
