"""Settings for the load test's uvicorn workers: the test settings, the security test pages."""

from __future__ import annotations

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.security.urls"
