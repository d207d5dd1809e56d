"""System checks, ids django_st_ssr.E00n / W00n (see README "System checks")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils.module_loading import import_string

from .conf import SETTING_NAME, app_settings

OUR_MIDDLEWARE = "django_st_ssr.middleware.SuperTokensMiddleware"
SDK_MIDDLEWARE = "supertokens_python.framework.django.django_middleware.middleware"
# Middleware that must see /auth/* requests and responses, so must wrap ours (come before it).
MUST_PRECEDE = {
    "corsheaders.middleware.CorsMiddleware": (
        "cross-origin calls to the SuperTokens APIs would get no CORS headers"
    ),
    "django.middleware.security.SecurityMiddleware": (
        "the SuperTokens APIs would skip its HTTPS redirect and security headers"
    ),
}
UTC_NAMES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Zulu"}


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = apps.get_app_config("django_st_ssr")
    error = getattr(config, "init_error", None)
    if error is not None:
        return [Error(str(error), id="django_st_ssr.E001")]
    return []


def _is_ours(path: str) -> bool:
    if path == OUR_MIDDLEWARE:
        return True
    from .middleware import SuperTokensMiddleware

    try:
        imported = import_string(path)
    except ImportError:
        return False
    return isinstance(imported, type) and issubclass(imported, SuperTokensMiddleware)


@register()
def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    middleware = list(settings.MIDDLEWARE or [])
    ours = [index for index, path in enumerate(middleware) if _is_ours(path)]
    if not ours:
        return [
            Error(
                f"'{OUR_MIDDLEWARE}' is not in MIDDLEWARE.",
                hint="Without it the /auth APIs are not served, refreshed session cookies are "
                "not written and request.st_session is missing. Add it to MIDDLEWARE.",
                id="django_st_ssr.E002",
            )
        ]
    messages: list[CheckMessage] = []
    if len(ours) > 1:
        messages.append(
            Error(
                "SuperTokensMiddleware is listed more than once in MIDDLEWARE.",
                hint="Every queued cookie would be written twice; keep one.",
                id="django_st_ssr.E003",
            )
        )
    if SDK_MIDDLEWARE in middleware:
        messages.append(
            Error(
                f"'{SDK_MIDDLEWARE}' and SuperTokensMiddleware are both in MIDDLEWARE.",
                hint="SuperTokensMiddleware already does the SDK middleware's job; with both, "
                "session cookies and headers are written twice. Remove the SDK's.",
                id="django_st_ssr.E003",
            )
        )
    for path, reason in MUST_PRECEDE.items():
        if path in middleware and middleware.index(path) > ours[0]:
            messages.append(
                Error(
                    f"'{path}' comes after SuperTokensMiddleware in MIDDLEWARE.",
                    hint=f"Move it before SuperTokensMiddleware: otherwise {reason}.",
                    id="django_st_ssr.E003",
                )
            )
    return messages


@register()
def check_token_transfer(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        options = app_settings.session_options
    except ImproperlyConfigured:
        return []  # E001 reports it
    method = options.get("get_token_transfer_method")
    if not callable(method):
        return []
    try:
        chosen = {method(None, for_create, {}) for for_create in (True, False)}
    except Exception:  # a user function may need a real request; then we cannot tell
        return []
    if chosen == {"header"}:
        return [
            Error(
                "SuperTokens is configured for header-only token transfer.",
                hint="Server-rendered pages only ever see cookies. Remove "
                f"settings.{SETTING_NAME}['SESSION']['get_token_transfer_method'] (the default "
                "is 'cookie') or make it return 'cookie'.",
                id="django_st_ssr.E004",
            )
        ]
    return []


def _host(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return urlsplit(value if "//" in value else f"//{value}").hostname


@register()
def check_cookie_domain(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        app_info = app_settings.APP_INFO
        options = app_settings.session_options
    except ImproperlyConfigured:
        return []
    if not isinstance(app_info, Mapping):
        return []
    api = _host(app_info.get("api_domain"))
    website = _host(app_info.get("website_domain") or app_info.get("origin"))
    if not api or not website or api == website:
        return []
    domain = str(options.get("cookie_domain") or "").lstrip(".").lower()
    if domain and all(h == domain or h.endswith("." + domain) for h in (api, website)):
        return []
    return [
        Warning(
            f"The API ({api}) and the website ({website}) are on different hosts, and no "
            "cookie_domain covers both.",
            hint="Pages on the website host will never see the session cookies the API sets, "
            "so every page load ends on the refresh page. Set "
            f"settings.{SETTING_NAME}['SESSION']['cookie_domain'] to a parent domain of both "
            "(e.g. '.example.com').",
            id="django_st_ssr.W001",
        )
    ]


@register()
def check_time_zone(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    time_zone = settings.TIME_ZONE
    if time_zone is None or time_zone in UTC_NAMES:
        return []
    return [
        Warning(
            f"TIME_ZONE is {time_zone!r}, not 'UTC'.",
            hint="supertokens-python writes cookie expiry dates in the process's local time "
            "but labels them GMT, so cookies expire early or late by the UTC offset. Set "
            "TIME_ZONE = 'UTC' (with USE_TZ = True, display times are still localised).",
            id="django_st_ssr.W002",
        )
    ]


@register(Tags.urls)
def check_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    try:
        login = app_settings.login_url
        refresh = app_settings.REFRESH_URL
    except ImproperlyConfigured:
        return []
    try:
        resolve_url(login)
    except NoReverseMatch:
        messages.append(
            Error(
                f"The login URL {login!r} cannot be resolved.",
                hint=f"Set settings.{SETTING_NAME}['LOGIN_URL'] (or settings.LOGIN_URL) to a "
                "path, an absolute URL or the name of a URL pattern that exists.",
                id="django_st_ssr.E005",
            )
        )
    claim_redirects = app_settings.CLAIM_REDIRECTS
    if not isinstance(claim_redirects, Mapping):
        claim_redirects = {}
        messages.append(
            Error(
                f"settings.{SETTING_NAME}['CLAIM_REDIRECTS'] must be a dict.",
                hint='Map claim ids to URLs, e.g. {"st-ev": "/verify-email/"}.',
                id="django_st_ssr.E006",
            )
        )
    for claim_id, url in claim_redirects.items():
        try:
            resolve_url(url)
        except NoReverseMatch:
            messages.append(
                Error(
                    f"CLAIM_REDIRECTS[{claim_id!r}] = {url!r} cannot be resolved.",
                    hint="Use a path, an absolute URL or the name of a URL pattern that exists.",
                    id="django_st_ssr.E006",
                )
            )
    if not _routed(refresh):
        messages.append(
            Warning(
                f"The refresh URL {refresh!r} is not routed.",
                hint='Add path("", include("django_st_ssr.urls")) to your URLconf, or set '
                f"settings.{SETTING_NAME}['REFRESH_URL'] to a page that exists.",
                id="django_st_ssr.W003",
            )
        )
    return messages


@register()
def check_web_js(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from .views import web_js_scripts

    try:
        app_settings.WEB_JS  # noqa: B018 (E001 reports a broken SUPERTOKENS setting)
    except ImproperlyConfigured:
        return []
    try:
        web_js_scripts()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint='Use None (the bundled copy) or a list like [{"src": "https://...", '
                '"integrity": "sha384-..."}, ...].',
                id="django_st_ssr.E007",
            )
        ]
    return []


def _routed(url: str) -> bool:
    try:
        resolved = str(resolve_url(url))
    except NoReverseMatch:
        return False
    parts = urlsplit(resolved)
    if parts.netloc:
        return True  # served elsewhere; nothing to check here
    try:
        resolve(parts.path)
    except Resolver404:
        return False
    return True


AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
AUTH_BACKENDS = (
    "django_st_ssr.auth.SuperTokensBackend",
    "django_st_ssr.auth.SuperTokensStatelessBackend",
)


@register()
def check_auth(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The Django auth bridge (README "Django auth"): what its backends need around them."""
    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", []))
    if not apps.is_installed("django.contrib.auth"):
        named = [path for path in backends if path in AUTH_BACKENDS]
        if named:
            return [
                Error(
                    f"'{named[0]}' is in AUTHENTICATION_BACKENDS but 'django.contrib.auth' is "
                    "not in INSTALLED_APPS.",
                    hint="Add 'django.contrib.auth' and 'django.contrib.contenttypes' to "
                    "INSTALLED_APPS (then run migrate).",
                    id="django_st_ssr.E030",
                )
            ]
        return []
    from .auth import session_backends

    if not session_backends():
        return []
    middleware = list(settings.MIDDLEWARE or [])
    ours = [index for index, path in enumerate(middleware) if _is_ours(path)]
    if ours and AUTH_MIDDLEWARE in middleware and middleware.index(AUTH_MIDDLEWARE) > ours[0]:
        return [
            Error(
                f"'{AUTH_MIDDLEWARE}' comes after SuperTokensMiddleware in MIDDLEWARE.",
                hint="Move it before SuperTokensMiddleware: otherwise it replaces the "
                "request.user of the SuperTokens session with the Django session's (anonymous).",
                id="django_st_ssr.E031",
            )
        ]
    return []
