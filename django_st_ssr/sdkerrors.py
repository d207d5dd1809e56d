"""The SDK's plain-``Exception`` messages this app recognises, all in one place.

supertokens-python raises a bare ``Exception`` for some conditions, with nothing but its message
to tell them apart. Every phrase the app matches lives here; ``tests/app/test_sdk_errors.py``
checks each against the installed (pinned) SDK, so an upgrade that rewords one fails the tests
instead of turning an outage into a 500.
"""

from __future__ import annotations

# Querier: every configured core was unreachable (also the JWKS fetch, with more words after).
CORE_UNREACHABLE = "No SuperTokens core available to query"
# Querier: the core answered 4xx/5xx. The full text is "SuperTokens core threw an error for a GET
# request to path: '/x' with status code: 401 and message: ...".
CORE_ERROR = "SuperTokens core threw an error"
CORE_STATUS_401 = "' with status code: 401 and message: "
# cookie_and_header: two session cookies of one name and no older_cookie_domain to tell them apart.
DUPLICATE_COOKIES = "The request contains multiple session cookies"

CORE_DOWN_PHRASES = (CORE_UNREACHABLE, CORE_ERROR)


def _message(exc: object) -> str | None:
    """The message of a bare ``Exception`` (the SDK's own kind), else None."""
    return str(exc) if type(exc) is Exception else None


def core_down_phrase(exc: object) -> str | None:
    """Which of the SDK's "the core could not answer" phrases ``exc`` carries, if any."""
    message = _message(exc)
    if message is None:
        return None
    return next((phrase for phrase in CORE_DOWN_PHRASES if message.startswith(phrase)), None)


def is_core_401(exc: object) -> bool:
    message = _message(exc)
    return message is not None and message.startswith(CORE_ERROR) and CORE_STATUS_401 in message


def is_duplicate_cookies(exc: object) -> bool:
    message = _message(exc)
    return message is not None and message.startswith(DUPLICATE_COOKIES)
