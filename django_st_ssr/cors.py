"""CORS header lists for a website on another origin than the SuperTokens API, for settings.py.

supertokens-web-js on the website sends its calls to the API (the refresh page's
``/auth/session/refresh``, sign-in, sign-out) with headers of its own: ``rid``, ``fdi-version``,
``st-auth-mode``, ``anti-csrf`` and ``authorization``; a browser sends such a call only after a
preflight allowed every one of them. The SDK's ``get_all_cors_headers()`` lists them but needs
``supertokens_python.init()``, which runs in ``AppConfig.ready()``, after settings are read: in
settings.py it fails with "Initialisation not done". These read the same names from the SDK's
constants, without init::

    from corsheaders.defaults import default_headers
    from django_st_ssr.cors import supertokens_cors_headers

    CORS_ALLOWED_ORIGINS = ["https://www.example.com"]
    CORS_ALLOW_CREDENTIALS = True
    CORS_ALLOW_HEADERS = (*default_headers, *supertokens_cors_headers())
"""

from __future__ import annotations


def supertokens_cors_headers() -> list[str]:
    """The request headers supertokens-web-js sends to the SDK's APIs, lower case, sorted."""
    from supertokens_python.constants import FDI_KEY_HEADER, RID_KEY_HEADER
    from supertokens_python.recipe.session.cookie_and_header import get_cors_allowed_headers

    # The session recipe is the only one with headers of its own (every other recipe of
    # supertokens-python 0.31 lists none); the SDK adds rid and fdi-version for all.
    return sorted({RID_KEY_HEADER, FDI_KEY_HEADER, *get_cors_allowed_headers()})


def supertokens_expose_headers() -> list[str]:
    """Response headers the website's script must be able to read (``front-token``, ...).

    The SDK sets ``Access-Control-Expose-Headers`` itself on the responses that carry them.
    django-cors-headers replaces that header whenever ``CORS_EXPOSE_HEADERS`` is set: then add
    these to it (``CORS_EXPOSE_HEADERS = [..., *supertokens_expose_headers()]``).
    """
    from supertokens_python.recipe.session.constants import (
        ACCESS_TOKEN_HEADER_KEY,
        ANTI_CSRF_HEADER_KEY,
        FRONT_TOKEN_HEADER_SET_KEY,
        REFRESH_TOKEN_HEADER_KEY,
    )

    return sorted(
        {
            FRONT_TOKEN_HEADER_SET_KEY,
            ANTI_CSRF_HEADER_KEY,
            ACCESS_TOKEN_HEADER_KEY,
            REFRESH_TOKEN_HEADER_KEY,
        }
    )
