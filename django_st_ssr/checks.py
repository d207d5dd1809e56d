"""System checks, ids django_st_ssr.E00n / W00n (see README "System checks")."""

from __future__ import annotations

import contextlib
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import global_settings, settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils.module_loading import import_string

from . import appinfo
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
# The Server header of django_st_ssr.testing's emulated core (testing/core/server.py).
EMULATED_CORE_SERVER = "EmulatedSuperTokensCore"
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


@register()
def check_cookie_domain(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        app_info = app_settings.APP_INFO
        options = app_settings.session_options
    except ImproperlyConfigured:
        return []
    if not isinstance(app_info, Mapping):
        return []
    api_origin = appinfo.api_origin()
    # Without a request a callable origin names no site; website_domain may still.
    websites = appinfo.website_origins()
    if not api_origin or not websites:
        return []
    api = appinfo.hostname_of(api_origin)
    others = sorted({appinfo.hostname_of(origin) for origin in websites} - {api})
    if not others:
        return []
    domain = str(options.get("cookie_domain") or "").lstrip(".").lower()
    if domain and all(h == domain or h.endswith("." + domain) for h in (api, *others)):
        return []
    website = others[0]
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


def is_emulated_core(uri: str, timeout: float = 2.0) -> bool:
    """True when the core at ``uri`` answers as the emulated core of django_st_ssr.testing."""
    url = uri.strip().rstrip("/") + "/hello"
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (http(s) only)
            server = str(response.headers.get("Server", ""))
    except urllib.error.HTTPError as exc:
        server = str(exc.headers.get("Server", ""))
    except (OSError, ValueError):
        return False  # unreachable: manage.py supertokens_status says so
    return server.startswith(EMULATED_CORE_SERVER)


@register(Tags.security, deploy=True)
def check_emulated_core(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        uris = [part for part in str(app_settings.CONNECTION_URI).split(";") if part.strip()]
    except ImproperlyConfigured:
        return []  # E001 reports it
    return [
        Error(
            f"CONNECTION_URI names the emulated SuperTokens core ({uri.strip()}).",
            hint="It keeps everything in memory and checks nothing: anyone who can reach it "
            "can create a session for any user. Point CONNECTION_URI at a real core (e.g. "
            "ST_CORE_URI for settings using core_uri_from_env_or_emulator()).",
            id="django_st_ssr.E008",
        )
        for uri in uris
        if is_emulated_core(uri)
    ]


@register(Tags.security, deploy=True)
def check_sdk_debug_log(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        debug = bool(app_settings.DEBUG)
    except ImproperlyConfigured:
        return []
    # The SDK also switches its debug log on from the environment (supertokens_python.logger).
    if not debug and os.environ.get("SUPERTOKENS_DEBUG", "").lower() != "1":
        return []
    return [
        Warning(
            "The SuperTokens SDK's debug log is on "
            f"(settings.{SETTING_NAME}['DEBUG'] or SUPERTOKENS_DEBUG=1).",
            hint="It writes users' email addresses and password-reset links (with their "
            "tokens) to the 'com.supertokens' logger. Switch it off in production.",
            id="django_st_ssr.W004",
        )
    ]


def allowed_hosts() -> list[str]:
    """ALLOWED_HOSTS as Django applies it (DEBUG with an empty list allows local hosts)."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def unserved_domains() -> dict[str, str]:
    """APP_INFO's api_domain/website_domain hosts that ALLOWED_HOSTS refuses: {key: host}."""
    app_info = app_settings.APP_INFO
    if not isinstance(app_info, Mapping):
        return {}
    allowed = allowed_hosts()
    refused = {}
    for key in ("api_domain", "website_domain", "origin"):
        origin = appinfo.origin_of(app_info.get(key))
        if origin is None:
            continue
        host = appinfo.hostname_of(origin)
        if ":" in host:
            host = f"[{host}]"
        if not validate_host(host, allowed):
            refused["website_domain" if key == "origin" else key] = host
    return refused


@register()
def check_domains_served(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        refused = unserved_domains()
    except ImproperlyConfigured:
        return []
    if not refused:
        return []
    names = ", ".join(f"{key} {host!r}" for key, host in refused.items())
    return [
        Warning(
            f"APP_INFO names hosts this site does not serve (not in ALLOWED_HOSTS): {names}.",
            hint="The refresh page renews sessions by calling api_domain, and the SDK sets "
            "cookies for it: set APP_INFO to the scheme, host and port the browser uses (for "
            "runserver, e.g. 'http://127.0.0.1:8000'), or add the host to ALLOWED_HOSTS.",
            id="django_st_ssr.W005",
        )
    ]


def _template_names(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}


@register(Tags.templates)
def check_template_overrides(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Overrides in an app listed after django_st_ssr: the loaders find ours first."""
    if not any(engine.get("APP_DIRS") for engine in settings.TEMPLATES):
        return []
    configs = list(apps.get_app_configs())
    ours = next(i for i, config in enumerate(configs) if config.name == "django_st_ssr")
    shipped = _template_names(Path(configs[ours].path) / "templates" / "django_st_ssr")
    messages: list[CheckMessage] = []
    for config in configs[ours + 1 :]:
        shadowed = shipped & _template_names(Path(config.path) / "templates" / "django_st_ssr")
        if shadowed:
            names = ", ".join(f"django_st_ssr/{name}" for name in sorted(shadowed))
            messages.append(
                Warning(
                    f"App '{config.name}' overrides {names}, but comes after 'django_st_ssr' in "
                    "INSTALLED_APPS: the template loaders find the app's own copy first, so the "
                    "override is never used.",
                    hint=f"List '{config.name}' before 'django_st_ssr', or move the files to a "
                    "folder in TEMPLATES['DIRS'].",
                    id="django_st_ssr.W006",
                )
            )
    return messages


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
    login_resolves = True
    try:
        resolve_url(login)
    except NoReverseMatch:
        login_resolves = False
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
        # Every protected page redirects there: a name that does not reverse makes each of them
        # fail with NoReverseMatch (500), a path nothing serves ends every expiry on a 404.
        messages.append(
            Error(
                f"The refresh URL {refresh!r} is not routed.",
                hint='Add path("", include("django_st_ssr.urls")) to your URLconf, or set '
                f"settings.{SETTING_NAME}['REFRESH_URL'] to a page that exists.",
                id="django_st_ssr.E009",
            )
        )
    if login_resolves and not _routed(login):
        if app_settings.LOGIN_URL is None and settings.LOGIN_URL == global_settings.LOGIN_URL:
            where = "settings.LOGIN_URL is not set, so Django's default"
        else:
            where = "The login URL"
        messages.append(
            Warning(
                f"{where} {login!r} is not routed: a failed refresh sends the browser to a 404.",
                hint=f"Set settings.LOGIN_URL (or settings.{SETTING_NAME}['LOGIN_URL']) to your "
                "sign-in page. Silence this warning if another server answers that path.",
                id="django_st_ssr.W007",
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


# --- The auth views (django_st_ssr.auth_urls) ------------------------------------------------


def _sdk_email_services() -> dict[str, object]:
    """Recipe name -> its email delivery service, for the recipes that are initialised."""
    from supertokens_python.recipe.emailpassword.recipe import EmailPasswordRecipe
    from supertokens_python.recipe.emailverification.recipe import EmailVerificationRecipe

    services: dict[str, object] = {}
    # EmailPasswordRecipe has no get_instance_optional(); get_instance() raises when absent.
    with contextlib.suppress(Exception):
        recipe = EmailPasswordRecipe.get_instance()
        services["emailpassword"] = recipe.email_delivery.ingredient_interface_impl
    verification = EmailVerificationRecipe.get_instance_optional()
    if verification is not None:
        services["emailverification"] = verification.email_delivery.ingredient_interface_impl
    return services


@register(Tags.urls)
def check_auth_views(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The auth views' settings, and where their emails would go."""
    from django.urls import reverse

    messages: list[CheckMessage] = []
    try:
        app_settings.auth_throttle  # noqa: B018 (validates)
    except ImproperlyConfigured as exc:
        messages.append(Error(str(exc), id="django_st_ssr.E020"))
    cache_alias = app_settings.AUTH_THROTTLE_CACHE
    if cache_alias not in settings.CACHES:
        messages.append(
            Error(
                f"settings.{SETTING_NAME}['AUTH_THROTTLE_CACHE'] = {cache_alias!r} is not in "
                "settings.CACHES.",
                hint="Name one of your CACHES aliases (the throttle's counters live there).",
                id="django_st_ssr.E020",
            )
        )
    try:
        reverse("st_auth:sign_in")
    except NoReverseMatch:
        return messages  # the auth views are not in use: the SDK's delivery is the site's choice
    from supertokens_python.recipe.emailpassword.emaildelivery.services.backward_compatibility import (  # noqa: E501
        BackwardCompatibilityService as EmailPasswordDefault,
    )
    from supertokens_python.recipe.emailverification.emaildelivery.services.backward_compatibility import (  # noqa: E501
        BackwardCompatibilityService as EmailVerificationDefault,
    )

    for recipe, service in _sdk_email_services().items():
        if isinstance(service, (EmailPasswordDefault, EmailVerificationDefault)):
            messages.append(
                Warning(
                    f"The {recipe} recipe sends its emails through SuperTokens' servers (the "
                    "SDK's default delivery), with the auth views' links in them.",
                    hint=f"Use Django's email backend: {recipe}.init(email_delivery="
                    "django_st_ssr.emails.django_email_delivery(), ...).",
                    id="django_st_ssr.W020",
                )
            )
    return messages


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


@register()
def check_refresh_mode(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        app_settings.refresh_mode  # noqa: B018
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint='"server" (the default) refreshes pages on the server; "page" uses the '
                "JavaScript refresh page.",
                id="django_st_ssr.E010",
            )
        ]
    return []


DRF_AUTHENTICATION = "django_st_ssr.contrib.drf.SuperTokensAuthentication"


def _is_our_drf_authentication(entry: object) -> bool:
    """``entry`` of DEFAULT_AUTHENTICATION_CLASSES is SuperTokensAuthentication or a subclass."""
    if entry == DRF_AUTHENTICATION:
        return True
    cls = entry
    if isinstance(entry, str):
        try:
            cls = import_string(entry)
        except (ImportError, ValueError):  # DRF absent, a typo, an empty module name
            return False
    # A subclass of ours has imported DRF already: without it, none of these is ours, and
    # importing contrib.drf (which imports DRF) is never needed.
    if not isinstance(cls, type) or "rest_framework" not in sys.modules:
        return False
    from .contrib.drf import SuperTokensAuthentication

    return issubclass(cls, SuperTokensAuthentication)


@register()
def check_drf_authentication(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """DRF asks only the first authentication class for the WWW-Authenticate header of a 401."""
    drf_settings = getattr(settings, "REST_FRAMEWORK", None)
    if not isinstance(drf_settings, Mapping):
        return []
    classes = drf_settings.get("DEFAULT_AUTHENTICATION_CLASSES")
    if not isinstance(classes, (list, tuple)) or not classes:
        return []
    if _is_our_drf_authentication(classes[0]):
        return []
    if not any(_is_our_drf_authentication(entry) for entry in classes[1:]):
        return []
    return [
        Warning(
            "SuperTokensAuthentication is not the first of "
            "REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'].",
            hint=f"Move it first. DRF asks only the first class ({classes[0]!r}) how to answer "
            "a call without a usable session: with another scheme, or a 403 when that class has "
            "none (SessionAuthentication), supertokens-web-js does not refresh an expired "
            "session and a person at the browsable API gets DRF's error page, not the sign-in.",
            id="django_st_ssr.W008",
        )
    ]
