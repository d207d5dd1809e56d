"""Settings of the example project.

Everything SuperTokens needs is in the ``SUPERTOKENS`` dict below. The core comes from the
environment: ``SUPERTOKENS_CONNECTION_URI`` (and ``SUPERTOKENS_API_KEY``) for a real core; without
them, the emulated core that ``python manage.py demo`` starts on 127.0.0.1:3567.
"""

from __future__ import annotations

import os
from pathlib import Path

from supertokens_python.recipe import emailpassword, emailverification

from django_st_ssr.emails import django_email_delivery

BASE_DIR = Path(__file__).resolve().parent.parent

# Defaults for `make demo` on your own machine only: DEBUG on (Django's technical error pages)
# and a published SECRET_KEY (anyone could sign cookies for this site with it). With DEBUG off,
# i.e. anywhere reachable by others, a SECRET_KEY of your own is required.
DEMO_SECRET_KEY = "example-only-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DJANGO_DEBUG=0 with the example's published SECRET_KEY: set DJANGO_SECRET_KEY."
    )

# The origin a browser uses to reach this site. supertokens-web-js on the refresh page calls the
# refresh API on this origin, so it must be the exact scheme://host:port in the address bar.
SITE_URL = os.environ.get("EXAMPLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # Django's auth on SuperTokens sessions: request.user, permissions, the admin.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    # The dashboard's JSON API (pages/api.py; the browsable API's templates).
    "rest_framework",
    # Before django_st_ssr: its templates override the auth pages' layout.
    "pages",
    "django_st_ssr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before SuperTokensMiddleware, which replaces its request.user with the SuperTokens one.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # script-src 'self': the refresh page works without inline script.
    "example_project.csp.ContentSecurityPolicyMiddleware",
    # Serves /auth/* (session refresh, sign-out), writes session cookies onto responses and
    # gives every request a lazy request.st_session.
    "django_st_ssr.middleware.SuperTokensMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

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
                "pages.context_processors.session",
            ],
        },
    }
]

# Sessions and accounts live in the SuperTokens core; the database holds the Django side: a user
# row per SuperTokens user (for ForeignKeys such as Order.owner) and the orders. `manage.py demo`
# migrates it; EXAMPLE_DATABASE puts it elsewhere (the browser tests use a temporary file).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DATABASE") or BASE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django_st_ssr.auth.SuperTokensBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# No Django session of its own is needed: SuperTokens is the session. Cookie-based sessions keep
# the admin's messages without a table.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"

# Django REST framework on the SuperTokens session (README "APIs and partial pages").
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["django_st_ssr.contrib.drf.SuperTokensAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

LOGIN_URL = "/signin/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"
STATIC_URL = "/static/"
USE_TZ = True
# The SDK stamps cookie expiry in local time labelled GMT; UTC keeps it honest.
TIME_ZONE = "UTC"

SUPERTOKENS = {
    "CONNECTION_URI": os.environ.get("SUPERTOKENS_CONNECTION_URI", "http://127.0.0.1:3567"),
    "API_KEY": os.environ.get("SUPERTOKENS_API_KEY") or None,
    "APP_INFO": {
        "app_name": "django-st-ssr example",
        "api_domain": SITE_URL,
        "website_domain": SITE_URL,
        "api_base_path": "/auth",
        "website_base_path": "/",
    },
    # Password-reset and verification emails go through Django's email backend (below), not
    # SuperTokens' servers. OPTIONAL: every page opens to an unverified email, except the pages
    # that ask for a verified one (/members/).
    "RECIPES": [
        emailpassword.init(email_delivery=django_email_delivery()),
        emailverification.init(mode="OPTIONAL", email_delivery=django_email_delivery()),
        # Roles and permissions in the access token: request.user.has_perm, is_staff, the admin.
        "supertokens_python.recipe.userroles.init",
    ],
    # A page that needs a verified email sends an unverified visitor to the verification page.
    "CLAIM_REDIRECTS": {"st-ev": "st_auth:verify_email"},
    # `python manage.py add_user EMAIL PASSWORD --role staff` makes an account that may use
    # /admin/ and /orders/all/ (the role's permissions are in EXAMPLE_ROLES below).
    "STAFF_ROLES": ["staff"],
    # "server" (default): an expired page is refreshed on the server, no JavaScript;
    # "page": through the JavaScript refresh page. ST_REFRESH_MODE=page make demo tries it.
    "REFRESH_MODE": os.environ.get("ST_REFRESH_MODE", "server"),
}

# The demo prints emails on the console, links on a line of their own (clickable in a terminal).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "django-st-ssr example <noreply@example.com>"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_st_ssr": {"handlers": ["console"], "level": "INFO"}},
}

# The SuperTokens roles `manage.py add_user --role` creates, with their permissions (named like
# Django's, so permission_required and {{ perms }} see them).
EXAMPLE_ROLES = {"staff": ["pages.view_all_orders", "pages.view_order", "pages.change_order"]}
