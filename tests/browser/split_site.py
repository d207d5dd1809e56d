"""Settings for the split-topology browser tests: the example project, pages and API on two hosts.

Pages are served from ``SPLIT_WEB_URL`` (www.example.test), the SuperTokens API from
``SPLIT_API_URL`` (api.example.test), two processes with these same settings, like the
SuperTokens guide's "web server and API server are different processes". ``SPLIT_COOKIE_DOMAIN``
is the session cookie domain (empty: host-only cookies, the misconfiguration W001 warns about).
The API answers the website's cross-origin calls (the refresh page's fetch) with CORS headers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from example_project.settings import *  # noqa: F403
from example_project.settings import MIDDLEWARE, SUPERTOKENS

# This topology test is about cookies across hosts and runs no migrations: Django's auth stays off
# the SuperTokens session here (tests/browser/test_auth.py covers it on the example).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

WEB_URL = os.environ["SPLIT_WEB_URL"].rstrip("/")
API_URL = os.environ["SPLIT_API_URL"].rstrip("/")

ALLOWED_HOSTS = ["www.example.test", "api.example.test", "127.0.0.1"]
MIDDLEWARE = ["tests.browser.split_site.cors", *MIDDLEWARE]
SUPERTOKENS = {
    **SUPERTOKENS,
    "APP_INFO": {**SUPERTOKENS["APP_INFO"], "api_domain": API_URL, "website_domain": WEB_URL},
    "SESSION": {"cookie_domain": os.environ.get("SPLIT_COOKIE_DOMAIN") or None},
}


def cors(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Just enough CORS for the website origin to call the API with credentials."""
    from supertokens_python import get_all_cors_headers

    allowed_headers = ", ".join(["content-type", *get_all_cors_headers()])

    def middleware(request: HttpRequest) -> Any:
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS" and origin == WEB_URL:
            response = HttpResponse()
        else:
            response = get_response(request)
        if origin == WEB_URL:
            response["Access-Control-Allow-Origin"] = WEB_URL
            response["Access-Control-Allow-Credentials"] = "true"
            response["Access-Control-Allow-Headers"] = allowed_headers
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Vary"] = "Origin"
        return response

    return middleware
