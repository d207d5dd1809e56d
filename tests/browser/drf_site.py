"""Settings for tests/browser/test_drf_browsable.py: the example project with a DRF endpoint."""

from __future__ import annotations

from example_project.settings import *  # noqa: F403
from example_project.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]
ROOT_URLCONF = "tests.browser.drf_site_urls"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["django_st_ssr.contrib.drf.SuperTokensAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
