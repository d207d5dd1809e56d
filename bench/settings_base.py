"""What every benchmark variant shares; each variant module adds MIDDLEWARE and ROOT_URLCONF.

The controller (bench/run.py) starts an emulated core and passes its URL in BENCH_CORE_URI.
"""

from __future__ import annotations

import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
DATABASES: dict[str, dict[str, str]] = {}
INSTALLED_APPS = ["django_st_ssr"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
LOGIN_URL = "/login/"
STATIC_URL = "/static/"
LOGGING = {"version": 1, "disable_existing_loggers": False}

SUPERTOKENS = {
    "CONNECTION_URI": os.environ.get("BENCH_CORE_URI", "http://127.0.0.1:3567"),
    # Under callgrind a call to the core runs ~50x slower: bench/instructions.py raises this.
    "CORE_TIMEOUT": float(os.environ.get("BENCH_CORE_TIMEOUT", "5")),
    "APP_INFO": {
        "app_name": "bench",
        "api_domain": "http://localhost:8000",
        "website_domain": "http://localhost:8000",
    },
}
