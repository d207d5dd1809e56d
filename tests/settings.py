"""Settings for the test suite.

The suite talks to a SuperTokens core: the real one named by ST_CORE_URI (and ST_CORE_API_KEY) when
that is set, otherwise the in-process emulated core, started once for the whole test process.
"""

from __future__ import annotations

import os
from typing import Any

from supertokens_python.recipe import emailpassword, emailverification

from django_st_ssr.emails import django_email_delivery
from django_st_ssr.testing import core_uri_from_env_or_emulator

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
# The SDK writes cookie expiry in local time labelled GMT; UTC keeps it honest.
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_st_ssr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_st_ssr.middleware.SuperTokensMiddleware",
]

ROOT_URLCONF = "tests.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/protected/"
DEFAULT_FROM_EMAIL = "tests@example.com"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


async def _email_of_session_user(recipe_user_id: Any, user_context: dict[str, Any]) -> Any:
    """Many tests create sessions for user ids the core has no user for (st_login(user_id=...)).

    The email-verification claim is fetched at every session creation; for those ids the SDK
    would raise UNKNOWN_USER_ID. Answered "no email" (which the SDK counts as verified), they
    behave as they did without the recipe; real users fall through to the SDK's own lookup.
    """
    from supertokens_python.asyncio import get_user
    from supertokens_python.recipe.emailverification.interfaces import (
        EmailDoesNotExistError,
        UnknownUserIdError,
    )

    if await get_user(recipe_user_id.get_as_string(), user_context) is None:
        return EmailDoesNotExistError()
    return UnknownUserIdError()


SUPERTOKENS = {
    "CONNECTION_URI": core_uri_from_env_or_emulator(),
    "API_KEY": os.environ.get("ST_CORE_API_KEY") or None,
    "APP_INFO": {
        "app_name": "django-st-ssr tests",
        "api_domain": "http://localhost:8000",
        "website_domain": "http://localhost:8000",
        "api_base_path": "/auth",
        "website_base_path": "/auth",
    },
    # Emails (password reset, email verification) through Django's email backend: locmem here.
    # OPTIONAL: the email claim is in every access token; only the views that ask require it.
    "RECIPES": [
        emailpassword.init(email_delivery=django_email_delivery()),
        emailverification.init(
            mode="OPTIONAL",
            email_delivery=django_email_delivery(),
            get_email_for_recipe_user_id=_email_of_session_user,
        ),
    ],
    # A path, not the URL name: the check tests swap in URLconfs without the auth views.
    "CLAIM_REDIRECTS": {"st-ev": "/account/verify-email/"},
    # Most app tests describe the refresh page; the server-side refresh (the default) has its
    # own tests (tests/app/test_server_refresh.py), which switch this per test.
    "REFRESH_MODE": "page",
}
