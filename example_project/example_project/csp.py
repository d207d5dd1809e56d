"""A strict Content-Security-Policy on every page of the example.

It shows that the bundled refresh page needs no inline script: the browser tests run the whole
refresh flow under this header. Django 6.0 has CSP built in (``SECURE_CSP``), but this example
and its browser tests run on Django 5.2, which has none: README "Supported versions" shows the
Django 6 setting that replaces this file.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def policy() -> str:
    # supertokens-web-js calls the refresh API with fetch(): allow the API's origin too when the
    # API is on another host than the pages.
    api_domain = settings.SUPERTOKENS["APP_INFO"]["api_domain"].rstrip("/")
    return (
        f"default-src 'self'; script-src 'self'; connect-src 'self' {api_domain}; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = policy()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
