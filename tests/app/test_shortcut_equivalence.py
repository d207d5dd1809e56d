"""The shortcuts taken for speed answer exactly what the Django calls they replace answer."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.utils.cache import add_never_cache_headers

from django_st_ssr import redirects
from django_st_ssr.responses import never_cache


def headers(response: HttpResponse) -> dict[str, str]:
    return dict(response.items())


@pytest.mark.parametrize(
    "existing",
    [
        {},
        {"Cache-Control": "public, max-age=60"},
        {"Expires": "Thu, 01 Jan 2037 00:00:00 GMT"},
        {"Cache-Control": "no-transform", "Vary": "Accept"},
        {"cache-control": "max-age=5"},
        {"expires": "Thu, 01 Jan 2037 00:00:00 GMT", "Content-Type": "text/plain"},
    ],
)
def test_never_cache_writes_what_django_writes(existing: dict[str, str]) -> None:
    ours, django = HttpResponse(headers=existing), HttpResponse(headers=existing)
    never_cache(ours)
    add_never_cache_headers(django)
    # Both stamp Expires with the current second; a tick between the calls is allowed.
    assert {k: v for k, v in headers(ours).items() if k != "Expires"} == {
        k: v for k, v in headers(django).items() if k != "Expires"
    }
    assert ours.has_header("Expires")
    assert django.has_header("Expires")


def test_resolved_urls_follow_the_urlconf_and_script_prefix() -> None:
    name = "django_st_ssr:refresh_session"
    assert redirects.refresh_url(name) == resolve_url(name)
    assert redirects.refresh_url("/somewhere/") == "/somewhere/"
    set_script_prefix("/mounted/")
    try:
        assert redirects.refresh_url(name) == resolve_url(name)
        assert redirects.refresh_url(name).startswith("/mounted/")
    finally:
        clear_script_prefix()
    assert not redirects.refresh_url(name).startswith("/mounted/")
    with override_settings(ROOT_URLCONF="tests.app.urls_without_refresh"):
        with pytest.raises(NoReverseMatch):
            redirects.refresh_url(name)
        assert redirects.login_url("login") == "/login/"
    assert redirects.refresh_url(name) == resolve_url(name)


def wsgi_get(path: str, script_name: str) -> tuple[str, dict[str, str]]:
    """A GET through Django's real WSGIHandler (the test client sets no script prefix)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": script_name,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT": "text/html",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    answer: list[Any] = []
    # As Django's test client does: no database connection housekeeping per request (Django 6.1
    # touches the connection there, which pytest-django forbids here), and the script prefix the
    # handler sets is cleared even when the request fails, or it leaks into every later test.
    request_started.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(
            environ, lambda status, headers, *_: answer.extend([status, headers])
        )
        response.close()
    finally:
        request_started.connect(close_old_connections)
        clear_script_prefix()
    return answer[0], dict(answer[1])


# django_db: the real handler closes old database connections at the end of each request.
@pytest.mark.django_db
def test_a_rejected_navigation_under_a_script_prefix() -> None:
    try:
        # Twice: the second answer comes from the resolved-URL cache and must name the prefix.
        for _ in range(2):
            status, sent = wsgi_get("/protected/", "/mounted")
            assert status.startswith("302")
            assert sent["Location"].startswith("/mounted/refresh-session/?redirectBack=/mounted/")
        status, sent = wsgi_get("/protected/", "")
        assert sent["Location"].startswith("/refresh-session/?redirectBack=/protected/")
    finally:
        # WSGIHandler leaves its script prefix on the thread: later tests must not inherit it.
        clear_script_prefix()


@pytest.mark.parametrize(
    "value",
    ["/page/", "/a b/?x=1&y=2#frag", "/ünï/çødé?q=€", "/%2F%25/", "/x?next=/y?z=1", "", "=&?#"],
)
@pytest.mark.parametrize("base", ["/refresh-session/", "https://api.example.com/auth/s/r", "/r/?"])
def test_add_query_writes_what_querydict_writes(base: str, value: str) -> None:
    from django.http import QueryDict

    def django_way(url: str, **params: str) -> str:
        head, _, query = url.partition("?")
        querystring = QueryDict(query, mutable=True)
        for key, item in params.items():
            querystring[key] = item
        return f"{head}?{querystring.urlencode(safe='/')}"

    params = {"redirectBack": value, "login": "signed:value/+=", "ünï": value}
    assert redirects.add_query(base, **params) == django_way(base, **params)
    assert redirects.add_query(f"{base}?a=1", **params) == django_way(f"{base}?a=1", **params)


@pytest.mark.parametrize(
    "existing",
    [
        {},
        {"Cache-Control": "public, max-age=60", "Vary": "Accept-Encoding"},
        {"Cache-Control": "no-store", "Vary": "Cookie"},
        {"Vary": "cookie, Accept"},
        {"Vary": "*"},
        {"cache-control": "max-age=5", "vary": "Accept"},
        {"Expires": "Thu, 01 Jan 2037 00:00:00 GMT"},
    ],
)
def test_private_and_vary_on_cookie_write_what_django_writes(existing: dict[str, str]) -> None:
    from django.utils.cache import patch_cache_control, patch_vary_headers

    from django_st_ssr.responses import private, vary_on_cookie

    ours, django = HttpResponse(headers=existing), HttpResponse(headers=existing)
    private(ours)
    vary_on_cookie(ours)
    vary_on_cookie(ours)  # twice (decorator, then middleware) changes nothing
    patch_cache_control(django, private=True)
    patch_vary_headers(django, ("Cookie",))
    assert headers(ours) == headers(django)
