"""A bare Django project: no SuperTokens at all, no middleware (the 1.00x reference)."""

from __future__ import annotations

from .settings_base import *  # noqa: F403

INSTALLED_APPS: list[str] = []
SUPERTOKENS = None
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.urls_bare"
