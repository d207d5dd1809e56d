"""supertokens-python's own Django middleware, its verify_session, and get_session in a view."""

from __future__ import annotations

from .settings_base import *  # noqa: F403

MIDDLEWARE = ["supertokens_python.framework.django.django_middleware.middleware"]
ROOT_URLCONF = "bench.urls_sdk"
