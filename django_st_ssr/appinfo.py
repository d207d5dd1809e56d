"""The sites ``APP_INFO`` names, parsed one way: the SDK's.

``api_domain``, ``website_domain`` and ``origin`` may be written with or without a scheme, with a
port, a trailing slash or a path (``www.example.com``, ``https://www.example.com/app/``,
``localhost:8000``). The SDK normalises each to ``scheme://host[:port]`` (``https`` unless the
host is ``localhost`` or an IP address); redirects, the cross-site guard and the system checks
all use this module, so they agree with each other and with the SDK about which sites these are.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest

from .conf import app_settings

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(value: object) -> str | None:
    """``scheme://host[:port]`` of one APP_INFO domain as the SDK reads it; None if unusable.

    Lower case and without a default port, like the ``Origin`` header a browser sends.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    return _origin_of(value)


# A pure function of the text, asked on every rejected navigation (the request's own origin and
# api_domain): the SDK's normalisation costs more than the rest of the answer. Bounded, as the
# request's origin comes from its (allowed) Host header.
@lru_cache(maxsize=256)
def _origin_of(value: str) -> str | None:
    from supertokens_python.normalised_url_domain import NormalisedURLDomain

    try:
        normalised = NormalisedURLDomain(value).get_as_string_dangerous()
        parts = urlsplit(normalised)
        port = parts.port
    except Exception:  # the SDK raises a bare Exception for what it cannot read
        return None
    host = parts.hostname
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def host_of(origin: str) -> str:
    """``host[:port]`` of an origin from :func:`origin_of` (what ``request.get_host()`` gives)."""
    return urlsplit(origin).netloc


def hostname_of(origin: str) -> str:
    """The bare host name of an origin from :func:`origin_of` (cookies ignore ports)."""
    return urlsplit(origin).hostname or ""


def _app_info() -> Mapping[str, Any]:
    app_info = app_settings.APP_INFO
    return app_info if isinstance(app_info, Mapping) else {}


def api_origin() -> str | None:
    return origin_of(_app_info().get("api_domain"))


def website_origins(request: HttpRequest | None = None) -> set[str]:
    """The website's origins: ``website_domain`` and ``origin``.

    A callable ``origin`` (the SDK accepts ``origin(request, user_context)`` for sites with
    several front ends) is asked about ``request`` exactly as the SDK asks it; without a request,
    or when it fails, it names no origin.
    """
    app_info = _app_info()
    values = [app_info.get("website_domain")]
    origin = app_info.get("origin")
    if callable(origin):
        if request is not None:
            values.append(_call_origin(origin, request))
    else:
        values.append(origin)
    return {parsed for parsed in map(origin_of, values) if parsed}


def _call_origin(origin: Any, request: HttpRequest) -> object:
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.utils import default_user_context

    st_request = DjangoRequest(request)
    try:
        return origin(st_request, default_user_context(st_request))
    except Exception:  # a user function; its failure must not turn a request into a 500
        return None


def trusted_origins(request: HttpRequest) -> set[str]:
    """The origins whose pages may make unsafe requests here: this site, the API, the website."""
    own = origin_of(f"{request.scheme}://{request.get_host()}")
    return {origin for origin in (own, api_origin(), *website_origins(request)) if origin}


def is_cross_site(request: HttpRequest) -> bool:
    """True when a browser says a page of an untrusted origin sent this request.

    Browsers name the calling page's origin on unsafe requests (``Origin``, exactly
    ``scheme://host[:port]``) and mark cross-site ones (``Sec-Fetch-Site``). Requests with
    neither (servers, scripts) are left alone, as Django's CsrfViewMiddleware leaves safe methods.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") == "cross-site"
    return origin.lower() not in trusted_origins(request)
