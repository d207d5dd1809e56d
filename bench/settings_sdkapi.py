"""The same API project protected the SDK's way: its middleware, verify_session on each view."""

from __future__ import annotations

from .settings_api import *  # noqa: F403

MIDDLEWARE = ["supertokens_python.framework.django.django_middleware.middleware"]
