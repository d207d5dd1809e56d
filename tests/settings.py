"""Settings for the test suite.

The suite talks to a SuperTokens core: the real one named by ST_CORE_URI (and ST_CORE_API_KEY) when
that is set, otherwise the in-process emulated core, started once for the whole test process.
"""

from __future__ import annotations

import os

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
    "RECIPES": ["supertokens_python.recipe.emailpassword.init"],
    # Most app tests describe the refresh page; the server-side refresh (the default) has its
    # own tests (tests/app/test_server_refresh.py), which switch this per test.
    "REFRESH_MODE": "page",
}
