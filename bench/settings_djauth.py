"""Django's own stack doing what bench/settings_auth.py does: the comparison row.

A database session (SessionMiddleware, the db backend) and ModelBackend's request.user for a
logged-in user, in the same SQLite file and with the same DATABASES (CONN_MAX_AGE 0: a
connection per request, Django's default). No SuperTokens: bench/run.py's django_session()
logs a user in with Django's test client and hands its session cookie to the row.
"""

from __future__ import annotations

from .settings_auth import *  # noqa: F403

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
