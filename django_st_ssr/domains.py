"""Is the site reached at the origins ``APP_INFO`` names?

The refresh page's script calls ``<api_domain><api_base_path>/session/refresh``. When the site is
opened at another origin (say ``http://127.0.0.1:8000`` with the README's ``www.example.com``),
that call goes elsewhere and every expiry ends with "the sign-in service did not answer", while
``manage.py check`` cannot know which host the browser uses. So the middleware compares the
origin of the requests that matter (a session cookie, or the refresh page) with ``APP_INFO``, and
logs one warning per process at the first mismatch.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch

from . import appinfo
from .conf import SETTING_NAME, app_settings

logger = logging.getLogger("django_st_ssr")

# Cookies the SDK sets on the pages' path; the refresh token cookie only travels to the API.
SESSION_COOKIES = ("sAccessToken=", "sFrontToken=")
# Hosts already found matching; bounded, since a Host header is chosen by the client.
MAX_REMEMBERED_HOSTS = 64

_warned = False
_matching_hosts: set[str] = set()
_refresh_path: str | None = None


def configured_origins(request: HttpRequest) -> dict[str, str]:
    """The origins APP_INFO names, by role: ``{origin: "api_domain" | "website_domain"}``."""
    found = {origin: "website_domain" for origin in appinfo.website_origins(request)}
    api = appinfo.api_origin()
    if api is not None:
        found[api] = "api_domain"
    return found


def _is_refresh_page(request: HttpRequest) -> bool:
    global _refresh_path
    if _refresh_path is None:
        try:
            _refresh_path = urlsplit(str(resolve_url(app_settings.REFRESH_URL))).path
        except (NoReverseMatch, ImproperlyConfigured):
            _refresh_path = ""  # check E009 reports it
    return request.path == _refresh_path


def _matters(request: HttpRequest) -> bool:
    """Requests whose session handling depends on the origin: not health checks or assets."""
    cookies = request.META.get("HTTP_COOKIE", "")
    return any(name in cookies for name in SESSION_COOKIES) or _is_refresh_page(request)


def note_request_origin(request: HttpRequest) -> None:
    """Log once per process when a request that matters arrives at an origin APP_INFO lacks."""
    global _warned
    if _warned:
        return
    host = request.META.get("HTTP_HOST", "")
    if host in _matching_hosts or not _matters(request):
        return
    try:
        served = appinfo.origin_of(f"{request.scheme}://{request.get_host()}")
    except DisallowedHost:
        return  # Django answers 400 to it anyway
    try:
        expected = configured_origins(request)
    except ImproperlyConfigured:
        return  # check E001 and the middleware report a broken setting
    if not expected or served in expected:
        if len(_matching_hosts) < MAX_REMEMBERED_HOSTS:
            _matching_hosts.add(host)
        return
    _warned = True
    names = ", ".join(f"{key} {origin}" for origin, key in sorted(expected.items()))
    logger.warning(
        "This site was reached at %s, but settings.%s['APP_INFO'] says %s. The refresh page "
        "calls the refresh API at api_domain, so sessions cannot be renewed here. Set APP_INFO "
        "to the address in the browser's address bar (scheme, host and port); behind a proxy "
        "that terminates TLS or rewrites the host, also set SECURE_PROXY_SSL_HEADER or "
        "USE_X_FORWARDED_HOST. (Logged once per process.)",
        served,
        SETTING_NAME,
        names,
    )


@receiver(setting_changed)
def reset(*, setting: str | None = None, **kwargs: Any) -> None:
    """Forget what was noted and cached (tests; and when override_settings changes them)."""
    global _warned, _refresh_path
    if setting in (None, SETTING_NAME, "ROOT_URLCONF", "ALLOWED_HOSTS"):
        _warned = False
        _refresh_path = None
        _matching_hosts.clear()
