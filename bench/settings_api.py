"""django-st-ssr behind APIs: DRF's SuperTokensAuthentication and Ninja's SuperTokensAuth.

As a DRF project has it: Django's auth and contenttypes apps installed (DRF's anonymous user),
JSON only. No database: the authenticated user is the token's (no SuperTokensBackend).
"""

from __future__ import annotations

from .settings_base import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_st_ssr",
    "rest_framework",
]
MIDDLEWARE = ["django_st_ssr.middleware.SuperTokensMiddleware"]
ROOT_URLCONF = "bench.urls_api"
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
