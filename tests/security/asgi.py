"""ASGI application of the load test (``uvicorn tests.security.asgi:application``)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.security.load_settings")
application = get_asgi_application()
