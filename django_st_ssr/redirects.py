"""Safe redirect targets, URLs to the refresh and login pages, and the refresh-loop guard."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from django.core import signing
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import resolve_url
from django.urls import get_script_prefix, get_urlconf
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from . import appinfo
from .conf import app_settings

FALLBACK_TARGET = "/"

# Counts redirects to the refresh page; a page that verifies deletes it.
LOOP_COOKIE_NAME = "st_ssr_refresh"
_LOOP_SALT = "django_st_ssr.refresh-loop"

# A view's own login URL and redirect field travel to the refresh page (or handler) signed, bound to
# the target they were issued for, and only for a while: the query string cannot name a login URL,
# and a signed value copied from one link does not work for another page or forever.
LOGIN_URL_PARAM = "login"
LOGIN_URL_SALT = "django_st_ssr.login-url"
REFRESH_CONTEXT_MAX_AGE = 600


def safe_target(
    request: HttpRequest, url: str | None, *, extra_hosts: Iterable[str] = ()
) -> str | None:
    """``url`` if it is safe to send this request's browser to, else None.

    Safe means: a path starting with "/" or an http(s) URL on this host (or the configured
    website host), with no control characters or backslashes anywhere, which browsers
    interpret in surprising ways (``/\\evil.example`` is a different host to some of them).
    """
    if not url or "\\" in url:
        return None
    if any(unicodedata.category(char)[0] == "C" for char in url):
        return None
    if not (url.startswith("/") or url.lower().startswith(("http://", "https://"))):
        return None
    # The refresh page may be served from the API host while pages live on the website host.
    website = {appinfo.host_of(origin) for origin in appinfo.website_origins(request)}
    allowed = {request.get_host(), *website, *extra_hosts}
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts=allowed, require_https=request.is_secure()
    ):
        return None
    return url


def safe_target_or_fallback(request: HttpRequest, url: str | None) -> str:
    return safe_target(request, url) or FALLBACK_TARGET


def this_page(request: HttpRequest) -> str:
    """A link back to the page of ``request`` that a browser reads as this site.

    The path is the visitor's to choose (a catch-all route): ``//evil.example/x`` as a link is
    another site. Such a path is given as the absolute URL of this host instead.
    """
    return safe_target(request, request.get_full_path()) or safe_target_or_fallback(
        request, request.build_absolute_uri()
    )


def add_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query string (like Django's redirect_to_login)."""
    base, _, query = url.partition("?")
    if not query:
        # What QueryDict(mutable=True) and urlencode(safe="/") below produce, without them.
        pairs = (
            f"{quote(key, safe='/')}={quote(value, safe='/')}" for key, value in params.items()
        )
        return f"{base}?{'&'.join(pairs)}"
    querystring = QueryDict(query, mutable=True)
    for key, value in params.items():
        querystring[key] = value
    return f"{base}?{querystring.urlencode(safe='/')}"


# resolve_url() reverses a URL name (and tries to, and fails for, a path or URL): 150-190k
# instructions on every redirect to the refresh page. Its answers are kept per URL conf, script
# prefix and language (what a reverse depends on), and forgotten when any setting changes.
_resolved: dict[tuple[object, ...], str] = {}
_MAX_RESOLVED = 256


def _forget_resolved(**_kwargs: object) -> None:
    _resolved.clear()


setting_changed.connect(_forget_resolved)


def _resolve(to: str) -> str:
    key = (to, get_urlconf(), get_script_prefix(), get_language())
    url = _resolved.get(key)
    if url is None:
        url = str(resolve_url(to))
        if len(_resolved) >= _MAX_RESOLVED:
            _resolved.clear()
        _resolved[key] = url
    return url


def refresh_url(override: str | None = None) -> str:
    return _resolve(override or app_settings.REFRESH_URL)


def login_url(override: str | None = None) -> str:
    return _resolve(override or app_settings.login_url)


def sign_refresh_context(target: str, *, login_url: str | None, field: str) -> str:
    """The signed ``login`` parameter a view adds for its own login URL or redirect field."""
    return signing.dumps({"t": target, "l": login_url, "f": field}, salt=LOGIN_URL_SALT)


def _refresh_context(request: HttpRequest) -> tuple[str, str | None]:
    """(redirect field, signed login URL or None) for this refresh request."""
    default = str(app_settings.REDIRECT_FIELD_NAME)
    value = request.GET.get(LOGIN_URL_PARAM)
    if not value:
        return default, None
    try:
        context = signing.loads(value, salt=LOGIN_URL_SALT, max_age=REFRESH_CONTEXT_MAX_AGE)
        field, login, target = str(context["f"]), context["l"], context["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return default, None
    if request.GET.get(field) != target:
        return default, None  # issued for another page
    return field, str(login) if login else None


def _website_prefix(request: HttpRequest) -> str:
    """The website's origin when this request reached another host (the API's), else ""."""
    websites = sorted(appinfo.website_origins(request))
    here = appinfo.origin_of(f"{request.scheme}://{request.get_host()}")
    if not websites or here in websites:
        return ""
    return websites[0]


def _on_website(url: str, prefix: str) -> str:
    """A path made absolute on the website (``prefix`` from :func:`_website_prefix`)."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    return prefix + url


def refresh_destinations(request: HttpRequest, *, on_website: bool = False) -> tuple[str, str]:
    """(page to return to, login URL with ``next``) for the refresh page or handler.

    The target is validated (:func:`safe_target`, else ``/``); the login URL is ``LOGIN_URL`` or
    the one the protected view signed for this very target. ``on_website``: paths are made
    absolute on the website when this request reached another host (the API's).
    """
    field, signed_login = _refresh_context(request)
    target = safe_target_or_fallback(request, request.GET.get(field))
    # Asked once for both URLs: the website's origins and this request's host.
    prefix = _website_prefix(request) if on_website else ""
    target = _on_website(target, prefix)
    if signed_login is not None and signed_login == request.GET.get(field):
        # An optional-session page signed itself as where a failed refresh goes: the visitor
        # returns to it anonymously (the decorator renders it without a session).
        return target, target
    login = _on_website(signed_login or login_url(), prefix)
    return target, add_query(login, **{app_settings.LOGIN_REDIRECT_FIELD_NAME: target})


def loop_error_url(refresh: str | None = None) -> str:
    return add_query(refresh or refresh_url(), error="loop")


# --- The loop guard -------------------------------------------------------------------------
# A browser whose cookies never reach this host (wrong cookie domain, blocked cookies) would
# bounce between a page and the refresh page for ever: the refresh succeeds, the page still sees
# no session. Each redirect to the refresh page is counted in a short-lived signed cookie:
# "<count>:<first attempt, epoch seconds>:<page>". A loop keeps coming back to the same page, so
# a redirect for another page starts the count again: tabs restored at once on an expired token
# are not a loop. The cookie is not HttpOnly (it holds no secret) so that refresh.js can delete
# it when a refresh *fails*: going on to the login page ends the round.


def _page_tag(request: HttpRequest) -> str:
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]


def _read_attempts(request: HttpRequest) -> tuple[int, int]:
    """(count, first attempt) of this page's current window; (0, now) when there is none."""
    now = int(time.time())
    if LOOP_COOKIE_NAME not in request.COOKIES:
        return 0, now  # the common case, without the KeyError get_signed_cookie raises
    try:
        value = request.get_signed_cookie(
            LOOP_COOKIE_NAME, salt=_LOOP_SALT, max_age=app_settings.REFRESH_WINDOW
        )
        count_text, first_text, tag = str(value).split(":")
        count, first = int(count_text), int(first_text)
    except (KeyError, ValueError, signing.BadSignature):
        return 0, now
    if tag != _page_tag(request) or now - first > app_settings.REFRESH_WINDOW:
        return 0, now
    return count, first


def refresh_attempts(request: HttpRequest) -> int:
    return _read_attempts(request)[0]


def loop_detected(request: HttpRequest) -> bool:
    return refresh_attempts(request) >= int(app_settings.MAX_REFRESH_ATTEMPTS)


def count_refresh_attempt(request: HttpRequest, response: HttpResponseBase) -> None:
    count, first = _read_attempts(request)
    response.set_signed_cookie(
        LOOP_COOKIE_NAME,
        f"{count + 1}:{first}:{_page_tag(request)}",
        salt=_LOOP_SALT,
        max_age=app_settings.REFRESH_WINDOW,
        httponly=False,
        samesite="Lax",
        secure=request.is_secure(),
    )


def forget_refresh_attempts(request: HttpRequest, response: HttpResponseBase) -> None:
    if LOOP_COOKIE_NAME in request.COOKIES:
        response.delete_cookie(LOOP_COOKIE_NAME, samesite="Lax")
