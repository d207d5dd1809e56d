"""django-st-ssr with Django's auth: request.user from SuperTokensBackend (README "Django auth").

run.py migrates the SQLite file named by BENCH_AUTH_DB before starting the worker; the first
(warm-up) request creates the user row, so the timed requests are those of a known user.
"""

from __future__ import annotations

import os

from .settings_base import *  # noqa: F403

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django_st_ssr"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_st_ssr.middleware.SuperTokensMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
AUTHENTICATION_BACKENDS = ["django_st_ssr.auth.SuperTokensBackend"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_AUTH_DB", "bench-auth.sqlite3"),
        # Django's default, a connection per request (SQLite re-reads its schema each time);
        # BENCH_PERSISTENT_DB=1 keeps one, as CONN_MAX_AGE=None would in production.
        "CONN_MAX_AGE": None if os.environ.get("BENCH_PERSISTENT_DB") else 0,
    }
}
ROOT_URLCONF = "bench.urls_auth"
