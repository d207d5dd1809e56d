"""Django's caches never store a protected page, whatever the decorator order.

The issue's three scenarios, with Django's locmem cache: ``cache_page`` inside
``@ssr_session_required`` (Alice's page served to Bob), ``cache_page`` outside it (Alice's page
served to anonymous visitors), and the site-wide cache middleware (a ``check_database`` page still
served after the session was revoked).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.views.decorators.cache import cache_page

from django_st_ssr import ssr_session_required

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE = {"HTTP_ACCEPT": "text/html", "HTTP_SEC_FETCH_MODE": "navigate"}


def _who(request: HttpRequest) -> HttpResponse:
    session = request.st_session  # type: ignore[attr-defined]
    return HttpResponse(f"user:{session.get_user_id()}" if session else "anonymous")


@ssr_session_required
@cache_page(300)
def cache_inside(request: HttpRequest) -> HttpResponse:
    return _who(request)


@cache_page(300)
@ssr_session_required
def cache_outside(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required
@cache_page(300)
async def acache_inside(request: HttpRequest) -> HttpResponse:
    return _who(request)


@cache_page(300)
@ssr_session_required(session_required=False)
def optional_cache_outside(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(check_database=True)
def database(request: HttpRequest) -> HttpResponse:
    return _who(request)


urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("inside/", cache_inside),
    path("ainside/", acache_inside),
    path("outside/", cache_outside),
    path("optional/", optional_cache_outside),
    path("database/", database),
]

pytestmark = [pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def locmem_cache() -> Any:
    with override_settings(CACHES=CACHES):
        caches["default"].clear()
        yield
        caches["default"].clear()


@pytest.mark.parametrize("page", ["/inside/", "/ainside/", "/outside/"])
def test_alices_page_is_never_served_to_bob(st_login: Any, page: str) -> None:
    alice, bob = Client(), Client()
    alice_id = st_login(alice).user_id
    bob_id = st_login(bob).user_id
    first = alice.get(page, **PAGE)
    assert first.content.decode() == f"user:{alice_id}"
    assert "private" in first["Cache-Control"]
    assert bob.get(page, **PAGE).content.decode() == f"user:{bob_id}"
    assert alice.get(page, **PAGE).content.decode() == f"user:{alice_id}"


@pytest.mark.parametrize("page", ["/inside/", "/ainside/", "/outside/"])
def test_alices_page_is_never_served_to_anonymous_visitors(st_login: Any, page: str) -> None:
    alice = Client()
    st_login(alice)
    assert alice.get(page, **PAGE).status_code == 200
    anonymous = Client().get(page, **PAGE)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/refresh-session/")


def test_an_optional_page_is_kept_per_visitor(st_login: Any) -> None:
    assert Client().get("/optional/", **PAGE).content == b"anonymous"
    alice = Client()
    alice_id = st_login(alice).user_id
    assert alice.get("/optional/", **PAGE).content.decode() == f"user:{alice_id}"
    assert Client().get("/optional/", **PAGE).content == b"anonymous"


SITE_CACHE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_st_ssr.middleware.SuperTokensMiddleware",
    "django.middleware.cache.FetchFromCacheMiddleware",
]


def test_the_site_wide_cache_never_serves_a_revoked_session(st_login: Any) -> None:
    from supertokens_python.recipe.session.syncio import revoke_session

    with override_settings(MIDDLEWARE=SITE_CACHE, CACHE_MIDDLEWARE_SECONDS=300):
        alice = Client()
        session = st_login(alice)
        first = alice.get("/database/", **PAGE)
        assert first.content.decode() == f"user:{session.user_id}"
        assert alice.get("/database/", **PAGE).content.decode() == f"user:{session.user_id}"
        revoke_session(session.session_handle)
        after = alice.get("/database/", **PAGE)
        assert after.status_code == 302
        assert after["Location"].startswith("/refresh-session/")
        assert Client().get("/database/", **PAGE).status_code == 302
