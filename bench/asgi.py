"""ASGI entry point for the load runs (DJANGO_SETTINGS_MODULE picks the variant)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_ours")
application = get_asgi_application()
