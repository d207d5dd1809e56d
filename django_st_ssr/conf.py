"""The one accessor over ``settings.SUPERTOKENS``.

Defaults live here and nowhere else. A value is looked up once and then kept (a read on every
request is an attribute access, not a validation of the whole dict); Django's ``setting_changed``
signal, which ``override_settings`` and pytest-django's ``settings`` fixture send, forgets them
all, so ``override_settings(SUPERTOKENS=...)`` just works. (Like Django's own settings, the dict is
not meant to change at run time otherwise.) Bad values raise ``ImproperlyConfigured`` naming the
key; ``checks.py`` turns the same errors into system-check messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

SETTING_NAME = "SUPERTOKENS"

# Keys a user may set, with their defaults. A missing default (REQUIRED) must be given.
REQUIRED = object()
DEFAULTS: dict[str, Any] = {
    # ';'-separated list of core URIs, like the SDK's own connection_uri.
    "CONNECTION_URI": REQUIRED,
    "API_KEY": None,
    # Keyword arguments of supertokens_python.InputAppInfo (app_name, api_domain, ...).
    "APP_INFO": REQUIRED,
    # Keyword arguments of supertokens_python.recipe.session.init, over SESSION_DEFAULTS.
    "SESSION": {},
    # Recipes besides the session recipe: dotted paths to recipe-init callables
    # (e.g. "supertokens_python.recipe.emailpassword.init"), recipe-init objects, or one
    # callable (or dotted path to one) returning the whole list.
    "RECIPES": [],
    # How a page navigation without a usable access token is refreshed: "server" (a redirect
    # through the SDK's refresh path, refreshed on the server) or "page" (the JavaScript
    # refresh page at REFRESH_URL).
    "REFRESH_MODE": "server",
    # The refresh page (a URL, path or URL name): REFRESH_MODE "page", and the loop error page.
    "REFRESH_URL": "django_st_ssr:refresh_session",
    # Where a failed refresh sends the browser; None means settings.LOGIN_URL.
    "LOGIN_URL": None,
    # Query parameter carrying the page to return to after a refresh.
    "REDIRECT_FIELD_NAME": "redirectBack",
    # Query parameter carrying the page to return to after login (Django's own default).
    "LOGIN_REDIRECT_FIELD_NAME": "next",
    # Claim id -> URL to redirect a navigation to when that claim fails (else 403).
    "CLAIM_REDIRECTS": {},
    # None: supertokens-web-js from this app's static files. Or a list of
    # {"src": url, "integrity": "sha384-..."} dicts, loaded in order.
    "WEB_JS": None,
    # Seconds a call to the core may take before a page gives up with 503.
    "CORE_TIMEOUT": 5.0,
    # Loop guard: more than this many refresh round trips within REFRESH_WINDOW seconds
    # ends on the error page instead of another refresh.
    "MAX_REFRESH_ATTEMPTS": 3,
    "REFRESH_WINDOW": 30,
    # Brute-force throttle of the sign-in and password-reset views (django_st_ssr.auth_urls):
    # (attempts, seconds) per key, merged over AUTH_THROTTLE_DEFAULTS; None turns one limit off.
    "AUTH_THROTTLE": {},
    # The Django cache (CACHES alias) holding the throttle's counters.
    "AUTH_THROTTLE_CACHE": "default",
    # SuperTokens role names that make request.user staff / superuser (README "Django auth").
    # None leaves those flags to the database.
    "STAFF_ROLES": None,
    "SUPERUSER_ROLES": None,
    # Passed to supertokens_python.init.
    "TELEMETRY": False,
    "DEBUG": False,
}

REFRESH_MODES = ("server", "page")

# Session recipe defaults that fit server-side rendering (see README "Settings").
SESSION_DEFAULTS: dict[str, Any] = {
    "cookie_same_site": "lax",
    # The SDK's default hands a server-side login tokens in headers; SSR needs cookies.
    "get_token_transfer_method": lambda _req, _for_create, _uc: "cookie",
}


# Failed sign-ins are counted; every password-reset request is (each one sends an email).
AUTH_THROTTLE_DEFAULTS: dict[str, tuple[int, int] | None] = {
    "sign_in_per_account": (10, 15 * 60),
    "sign_in_per_client": (50, 15 * 60),
    "password_reset_per_account": (3, 15 * 60),
    "password_reset_per_client": (20, 15 * 60),
}


# The last dict that passed validation. Reads compare identity only: validating the whole dict
# on every read cost more than some of the requests that read it.
_validated: Mapping[str, Any] | None = None


def _forget(*, setting: str, **_kwargs: Any) -> None:
    global _validated
    if setting == SETTING_NAME:
        _validated = None
        vars(app_settings).clear()


setting_changed.connect(_forget)


def _setting() -> Mapping[str, Any]:
    global _validated
    value = getattr(settings, SETTING_NAME, None)
    if value is _validated and _validated is not None:
        return _validated
    if value is None:
        raise ImproperlyConfigured(f"settings.{SETTING_NAME} is missing.")
    if not isinstance(value, Mapping):
        raise ImproperlyConfigured(f"settings.{SETTING_NAME} must be a dict.")
    _refuse_unknown_keys(f"settings.{SETTING_NAME}", value, DEFAULTS)
    _validated = value
    return value


def _refuse_unknown_keys(where: str, value: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    unknown = set(value) - set(known)
    if unknown:
        raise ImproperlyConfigured(f"{where} has unknown key(s): {', '.join(sorted(unknown))}.")


class Settings:
    """Attribute access to the effective values: ``app_settings.CONNECTION_URI``."""

    def __getattr__(self, name: str) -> Any:
        # Only called for a name not read since the last setting_changed.
        if name not in DEFAULTS:
            raise AttributeError(name)
        value = _setting().get(name, DEFAULTS[name])
        if value is REQUIRED:
            raise ImproperlyConfigured(f"settings.{SETTING_NAME}[{name!r}] is required.")
        self.__dict__[name] = value
        return value

    @property
    def session_options(self) -> dict[str, Any]:
        options = self.SESSION
        if not isinstance(options, Mapping):
            raise ImproperlyConfigured(f"settings.{SETTING_NAME}['SESSION'] must be a dict.")
        return {**SESSION_DEFAULTS, **options}

    @property
    def auth_throttle(self) -> dict[str, tuple[int, int] | None]:
        options = self.AUTH_THROTTLE
        if not isinstance(options, Mapping):
            raise ImproperlyConfigured(f"settings.{SETTING_NAME}['AUTH_THROTTLE'] must be a dict.")
        _refuse_unknown_keys(
            f"settings.{SETTING_NAME}['AUTH_THROTTLE']", options, AUTH_THROTTLE_DEFAULTS
        )
        limits = {**AUTH_THROTTLE_DEFAULTS, **options}
        for key, limit in limits.items():
            if limit is not None and not (
                isinstance(limit, (tuple, list))
                and len(limit) == 2
                and all(isinstance(n, int) and n > 0 for n in limit)
            ):
                raise ImproperlyConfigured(
                    f"settings.{SETTING_NAME}['AUTH_THROTTLE'][{key!r}] must be None or "
                    "(attempts, seconds), two positive integers."
                )
        return {key: (tuple(limit) if limit else None) for key, limit in limits.items()}

    @property
    def refresh_mode(self) -> str:
        mode = self.REFRESH_MODE
        if mode not in REFRESH_MODES:
            raise ImproperlyConfigured(
                f"settings.{SETTING_NAME}['REFRESH_MODE'] must be one of "
                f"{', '.join(map(repr, REFRESH_MODES))}, not {mode!r}."
            )
        return str(mode)

    @property
    def login_url(self) -> str:
        return str(self.LOGIN_URL or settings.LOGIN_URL)


app_settings = Settings()
