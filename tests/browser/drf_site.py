"""Settings for tests/browser/test_drf_browsable.py: the example project with a DRF endpoint.

The example itself has "rest_framework" and REST_FRAMEWORK (SuperTokensAuthentication,
IsAuthenticated): only the URLs differ.
"""

from __future__ import annotations

from example_project.settings import *  # noqa: F403

ROOT_URLCONF = "tests.browser.drf_site_urls"
