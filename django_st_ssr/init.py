"""Settings -> ``supertokens_python.init(...)``, exactly once per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .conf import SETTING_NAME, app_settings

_lock = threading.Lock()
_initialised = False
# The SDK's same-site test (api_domain vs website_domain) asks tldextract for the registrable
# domain, and tldextract downloads the public-suffix list on first use: a start-up network call
# that prints tracebacks offline or behind a firewall and waits on slow networks. Its bundled
# snapshot of the list answers the same for any real domain, so use it unless the environment
# says otherwise (SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP=0 restores the download).
TLDEXTRACT_FLAG = "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP"


def _load(spec: Any, key: str) -> Any:
    if isinstance(spec, str):
        try:
            return import_string(spec)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"settings.{SETTING_NAME}[{key!r}]: cannot import {spec!r} ({exc})."
            ) from exc
    return spec


def build_recipe_list() -> list[Any]:
    """The session recipe (with SSR defaults) followed by the configured extra recipes."""
    from supertokens_python.recipe import session

    options = app_settings.session_options
    if apps.is_installed("django.contrib.auth"):
        from .auth import with_sign_in_hooks

        # Lets Django's user_logged_in / user_logged_out follow SuperTokens sign-in and out.
        options = with_sign_in_hooks(options)
    try:
        session_recipe = session.init(**options)
    except TypeError as exc:
        raise ImproperlyConfigured(f"settings.{SETTING_NAME}['SESSION']: {exc}.") from exc

    recipes = _load(app_settings.RECIPES, "RECIPES")
    if callable(recipes):
        recipes = recipes()
    if not isinstance(recipes, (list, tuple)):
        raise ImproperlyConfigured(
            f"settings.{SETTING_NAME}['RECIPES'] must be a list or a callable returning one."
        )
    extra: list[Any] = []
    for spec in recipes:
        recipe = _load(spec, "RECIPES")
        # A dotted path names the recipe's init function ("...emailpassword.init"); call it
        # with no arguments. An already-called init (a RecipeInit) is used as it is.
        if isinstance(spec, str):
            recipe = recipe()
        if not callable(recipe):
            raise ImproperlyConfigured(
                f"settings.{SETTING_NAME}['RECIPES']: {spec!r} is not a recipe."
            )
        extra.append(recipe)
    return [session_recipe, *extra]


def build_init_kwargs() -> dict[str, Any]:
    from supertokens_python import InputAppInfo, SupertokensConfig

    app_info = app_settings.APP_INFO
    if not isinstance(app_info, Mapping):
        raise ImproperlyConfigured(f"settings.{SETTING_NAME}['APP_INFO'] must be a dict.")
    try:
        input_app_info = InputAppInfo(**app_info)
    except TypeError as exc:
        raise ImproperlyConfigured(f"settings.{SETTING_NAME}['APP_INFO']: {exc}.") from exc
    uri = app_settings.CONNECTION_URI
    if not isinstance(uri, str) or not uri.strip():
        raise ImproperlyConfigured(
            f"settings.{SETTING_NAME}['CONNECTION_URI'] must be a non-empty string."
        )
    return {
        "app_info": input_app_info,
        "framework": "django",
        "supertokens_config": SupertokensConfig(
            connection_uri=uri, api_key=app_settings.API_KEY or None
        ),
        "recipe_list": build_recipe_list(),
        "telemetry": bool(app_settings.TELEMETRY),
        "debug": bool(app_settings.DEBUG),
    }


def init_supertokens(init: Callable[..., Any] | None = None) -> None:
    """Initialise supertokens-python from settings; later calls do nothing."""
    global _initialised
    with _lock:
        if _initialised:
            return
        if init is None:
            from supertokens_python import init as sdk_init

            init = sdk_init
        os.environ.setdefault(TLDEXTRACT_FLAG, "1")
        kwargs = build_init_kwargs()
        try:
            init(**kwargs)
        except Exception as exc:  # the SDK raises bare Exceptions for bad app info
            raise ImproperlyConfigured(f"settings.{SETTING_NAME}: {exc}") from exc
        _initialised = True
    from .verify import apply_core_timeout

    apply_core_timeout()
