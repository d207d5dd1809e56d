"""Browser-side session state, written by the server.

supertokens-web-js keeps its own view of the session in cookies it writes from the ``front-token``
header of the responses its fetch() reads. A response no script reads (a server-side sign-in,
sign-out or refresh answered with a redirect) leaves that view stale: after a sign-out it says
"signed out" for ever, and ``attemptRefreshingSession()`` then gives up without calling the API.
So whenever the server creates, refreshes or revokes a session on such a response, it writes here
exactly what web-js would have stored, and clears what would contradict it:

- :func:`write_browser_state` after a session was created or refreshed;
- :func:`clear_browser_state` after the session ended (sign-out, failed refresh).

The names and formats come from supertokens-website ``lib/build/fetch.js`` (the module web-js's
session recipe runs): ``saveTokensFromHeaders``, ``FrontToken.setItem``/``removeToken``,
``saveLastAccessTokenUpdate``, ``setAntiCSRF``, ``setToken`` and ``storeInCookies``. Its
localStorage holds only a clock-skew estimate and a cross-tab lock, not session state.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from supertokens_python.recipe.session.interfaces import SessionContainer

# fetch.js FRONT_TOKEN_NAME: the ``front-token`` header value (base64 JSON uid/ate/up). With
# LAST_ACCESS_TOKEN_UPDATE it makes getLocalSessionState() say EXISTS.
FRONT_TOKEN = "sFrontToken"
# fetch.js LAST_ACCESS_TOKEN_UPDATE: Date.now() in ms, written on every front-token change,
# "remove" included. Present without FRONT_TOKEN it means NOT_EXISTS ("signed out"), and
# attemptRefreshingSession() then never calls the refresh API.
LAST_ACCESS_TOKEN_UPDATE = "st-last-access-token-update"
# fetch.js ANTI_CSRF_NAME: the ``anti-csrf`` header value (anti_csrf="VIA_TOKEN" only).
ANTI_CSRF = "sAntiCsrf"
# fetch.js ACCESS_TOKEN_NAME / REFRESH_TOKEN_NAME: header-mode tokens; cleared by removeToken().
HEADER_ACCESS_TOKEN = "st-access-token"
HEADER_REFRESH_TOKEN = "st-refresh-token"
# The legacy id-refresh marker; saveLastAccessTokenUpdate() clears it every time.
LEGACY_ID_REFRESH = "sIRTFrontend"

# storeInCookies(): "expires=Fri, 31 Dec 9999 23:59:59 GMT" for Number.MAX_SAFE_INTEGER.
_FOREVER = "Fri, 31 Dec 9999 23:59:59 GMT"


def _cookie_domain() -> str | None:
    """Where the session cookies live; web-js must read its state from the same place.

    web-js writes host-only cookies unless ``sessionTokenFrontendDomain`` says otherwise; the
    refresh page passes it the SDK's ``cookie_domain``, so both agree.
    """
    from supertokens_python.recipe.session.recipe import SessionRecipe

    return SessionRecipe.get_instance().config.cookie_domain or None


def _store(request: HttpRequest, response: HttpResponseBase, name: str, value: str | None) -> None:
    """storeInCookies(name, value): path=/, SameSite=Lax, readable by scripts; None deletes."""
    domain = _cookie_domain()
    if value is None:
        response.delete_cookie(name, path="/", domain=domain, samesite="Lax")
    else:
        response.set_cookie(
            name,
            value,
            expires=_FOREVER,
            path="/",
            domain=domain,
            secure=request.is_secure(),
            httponly=False,
            samesite="Lax",
        )


def _now_ms() -> str:
    return str(int(time.time() * 1000))


def write_browser_state(
    request: HttpRequest, response: HttpResponseBase, session: SessionContainer
) -> None:
    """What web-js stores from the response of a sign-in or refresh, for ``session``.

    Call it on the response of a view that created or refreshed ``session`` on the server
    (``create_new_session``, ``refresh_session``) when that response is not read by web-js's
    fetch, typically a redirect. The session cookies themselves are the SDK's (the middleware
    writes them); this adds the state the frontend SDK keeps beside them.
    """
    # saveTokensFromHeaders() -> FrontToken.setItem(front-token): saveLastAccessTokenUpdate()
    # (which also clears sIRTFrontend), then setFrontToken().
    _store(request, response, LAST_ACCESS_TOKEN_UPDATE, _now_ms())
    _store(request, response, LEGACY_ID_REFRESH, None)
    _store(request, response, FRONT_TOKEN, _front_token(session))
    # Then the anti-csrf header, when the session has one (VIA_TOKEN); a stale one contradicts.
    anti_csrf = getattr(session, "anti_csrf_token", None)
    _store(request, response, ANTI_CSRF, anti_csrf or None)
    # Pages use cookie transfer: header-mode tokens left from elsewhere would contradict it.
    _store(request, response, HEADER_ACCESS_TOKEN, None)
    _store(request, response, HEADER_REFRESH_TOKEN, None)


def clear_browser_state(request: HttpRequest, response: HttpResponseBase) -> None:
    """What web-js stores from ``front-token: remove``: the session ended (signed out)."""
    # FrontToken.setItem("remove"): saveLastAccessTokenUpdate(), then removeToken().
    _store(request, response, LAST_ACCESS_TOKEN_UPDATE, _now_ms())
    _store(request, response, LEGACY_ID_REFRESH, None)
    for name in (FRONT_TOKEN, HEADER_ACCESS_TOKEN, HEADER_REFRESH_TOKEN, ANTI_CSRF):
        _store(request, response, name, None)


def _front_token(session: SessionContainer) -> str:
    front = getattr(session, "front_token", None)
    if front:
        return str(front)
    # A SessionContainer that is not the SDK's Session class: build it the SDK's way.
    from supertokens_python.recipe.session.cookie_and_header import build_front_token

    payload = session.get_access_token_payload()
    return str(build_front_token(session.get_user_id(), int(payload["exp"]) * 1000, payload))
