"""django-st-ssr: its middleware, bare pages and @ssr_session_required pages."""

from __future__ import annotations

from .settings_base import *  # noqa: F403

MIDDLEWARE = ["django_st_ssr.middleware.SuperTokensMiddleware"]
ROOT_URLCONF = "bench.urls_ours"
