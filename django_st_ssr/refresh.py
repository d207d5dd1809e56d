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
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect

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
        # Verbatim, as document.cookie would hold it: Python's cookie quoting ("..." around a
        # base64 value with "=" or "/") is not undone by web-js, whose atob() then fails.
        response.cookies[name].set(name, value, value)


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


# --- The server-side refresh (REFRESH_MODE "server") ----------------------------------------
# A page navigation without a usable access token is redirected to a GET at the SDK's own refresh
# path (the only path the browser sends sRefreshToken to). The handler below refreshes there with
# the SDK, writes the new cookies and the browser state, and redirects back. The SDK's POST
# refresh API at the same path (supertokens-web-js's fetch) is untouched: it carries the ``rid``
# header and no redirect field. See README "How the refresh works" for why a GET is safe.


def refresh_path() -> str:
    """The SDK's refresh API path, the refresh token cookie's path (gateway path included)."""
    from supertokens_python.recipe.session.recipe import SessionRecipe

    return str(SessionRecipe.get_instance().config.refresh_token_path.get_as_string_dangerous())


def on_api_origin(request: HttpRequest) -> bool:
    """True when ``request`` reached the same origin as the SDK's APIs (one host for both)."""
    from . import appinfo

    # Asked up to three times per rejected navigation; get_host() is the costly part.
    known: bool | None = vars(request).get("_st_on_api_origin")
    if known is None:
        known = (
            appinfo.origin_of(f"{request.scheme}://{request.get_host()}") == appinfo.api_origin()
        )
        request._st_on_api_origin = known  # type: ignore[attr-defined]
    return known


def refresh_endpoint(request: HttpRequest) -> str:
    """Where a page sends the browser to be refreshed: a path on one host, else a full URL."""
    from . import appinfo

    if on_api_origin(request):
        return refresh_path()
    return f"{appinfo.api_origin()}{refresh_path()}"


def is_refresh_navigation(request: HttpRequest) -> bool:
    """A browser sent here by :func:`responses.refresh_required`, not web-js's fetch.

    GET/HEAD are never the SDK's (its refresh API is POST only). A POST is a form relayed with
    307 when it carries the redirect field in the query string and no ``rid`` header (which
    web-js always sends).
    """
    from supertokens_python import Supertokens

    from .conf import app_settings

    gateway = Supertokens.get_instance().app_info.api_gateway_path.get_as_string_dangerous()
    if gateway + request.path != refresh_path():
        return False
    if request.method in ("GET", "HEAD"):
        return True
    return (
        request.method == "POST"
        and app_settings.REDIRECT_FIELD_NAME in request.GET
        and "rid" not in request.headers
    )


async def answer_refresh_navigation(request: HttpRequest) -> HttpResponseBase:
    """Refresh the session on the server and send the browser back (or to the login page)."""
    from django.utils.cache import add_never_cache_headers

    response = await _answer(request)
    add_never_cache_headers(response)
    # The query string names the page being returned to: keep it out of other sites' logs.
    response["Referrer-Policy"] = "same-origin"
    return response


async def _answer(request: HttpRequest) -> HttpResponseBase:
    from asgiref.sync import sync_to_async
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.recipe.session.asyncio import (
        refresh_session_without_request_response,
    )
    from supertokens_python.recipe.session.cookie_and_header import get_token
    from supertokens_python.recipe.session.exceptions import TokenTheftError, UnauthorisedError
    from supertokens_python.utils import default_user_context

    from . import redirects
    from .verify import is_core_failure, within_core_timeout

    target, login = redirects.refresh_destinations(request, on_website=True)
    st_request = DjangoRequest(request)
    user_context = default_user_context(st_request)
    refresh_token = get_token(st_request, "refresh", "cookie")
    if not refresh_token:
        return _signed_out(request, login, sent_tokens=False)
    # A navigation carries neither the rid header (VIA_CUSTOM_HEADER) nor an anti-csrf header
    # (VIA_TOKEN), and needs neither: a forced refresh only rotates the visitor's own tokens and
    # returns to a validated page of this site (README "How the refresh works"). Under VIA_TOKEN
    # the token web-js keeps in a cookie is passed on, so the core keeps issuing one.
    anti_csrf = _anti_csrf_cookie(request, st_request, user_context)
    try:
        session = await within_core_timeout(
            refresh_session_without_request_response(
                refresh_token,
                disable_anti_csrf=anti_csrf is None,
                anti_csrf_token=anti_csrf,
                user_context=user_context,
            )
        )
    except Exception as exc:
        if is_core_failure(exc):
            from .responses import core_unavailable

            return await sync_to_async(core_unavailable)(request)
        if not isinstance(exc, (UnauthorisedError, TokenTheftError)):
            raise
        # The SDK's own error handling runs for its side effects: on token theft its
        # on_token_theft_detected (by default: revoke the session). Its JSON answer is dropped.
        from supertokens_python import Supertokens
        from supertokens_python.framework.django.django_response import DjangoResponse

        await Supertokens.get_instance().handle_supertokens_error(
            st_request, exc, DjangoResponse(HttpResponse()), user_context
        )
        return _signed_out(request, login, sent_tokens=True)
    # The middleware writes the session's cookies (and front-token header) onto the response.
    await session.attach_to_request_response(st_request, "cookie", user_context)
    response = HttpResponseRedirect(target)
    if request.method == "POST":
        # 307: the browser sends the form again, same method and body, with the new cookies.
        response.status_code = 307
    write_browser_state(request, response, session)
    return response


def _anti_csrf_cookie(
    request: HttpRequest, st_request: Any, user_context: dict[str, Any]
) -> str | None:
    from supertokens_python.recipe.session.recipe import SessionRecipe

    mode = SessionRecipe.get_instance().config.anti_csrf_function_or_string
    if callable(mode):
        mode = mode(st_request, user_context)
    if mode != "VIA_TOKEN":
        return None
    return request.COOKIES.get(ANTI_CSRF) or None


def _signed_out(request: HttpRequest, login: str, *, sent_tokens: bool) -> HttpResponseBase:
    """The refresh failed: to the login page; clear the session where that is safe."""
    response = HttpResponseRedirect(login)
    response.status_code = 303  # a relayed POST goes on as a GET
    # No refresh token arrived. On a cross-site navigation that is SameSite=Strict cookies
    # withheld by the browser, not a missing session: clearing would sign a visitor out on
    # every link from elsewhere. Same-site, the SDK clears a stray access token (and so do we).
    if sent_tokens or request.headers.get("Sec-Fetch-Site") != "cross-site":
        clear_session_cookies(request, response)
        clear_browser_state(request, response)
    return response


def clear_session_cookies(request: HttpRequest, response: HttpResponseBase) -> None:
    """The SDK's own clearing of the session cookies (and its ``front-token: remove``)."""
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.framework.django.django_response import DjangoResponse
    from supertokens_python.recipe.session.cookie_and_header import (
        clear_session_from_all_token_transfer_methods,
    )
    from supertokens_python.recipe.session.recipe import SessionRecipe
    from supertokens_python.utils import default_user_context

    st_request = DjangoRequest(request)
    clear_session_from_all_token_transfer_methods(
        DjangoResponse(response),  # type: ignore[arg-type]
        SessionRecipe.get_instance(),
        st_request,
        default_user_context(st_request),
    )


# --- Sign-out that works with an expired access token -----------------------------------------


def _handle_of_expired_token(token: str) -> str | None:
    """The session handle of an access token whose signature is valid, expired or not.

    Expiry is what the SDK's own verification stops at; the signature is what says the core
    issued this token for that session, so it is checked with the SDK's signing keys.
    """
    import jwt
    from supertokens_python.recipe.session.jwks import get_latest_keys
    from supertokens_python.recipe.session.jwt import parse_jwt_without_signature_verification
    from supertokens_python.recipe.session.recipe import SessionRecipe

    try:
        info = parse_jwt_without_signature_verification(token)
        if info.version < 3 or info.kid is None:
            return None  # pre-v3 tokens carry no key id: not worth a search through all keys
        keys = get_latest_keys(SessionRecipe.get_instance().config, info.kid)
        algorithm = (info.parsed_header or {}).get("alg", "RS256")
        payload = jwt.decode(
            token,
            keys[0].key,
            algorithms=[algorithm],
            options={"verify_signature": True, "verify_exp": False},
        )
    except Exception:  # garbage, a forged signature, an unknown key: names no session
        return None
    handle = payload.get("sessionHandle")
    return handle if isinstance(handle, str) else None


def session_handle(request: HttpRequest) -> str | None:
    """The handle of the session this request's access token names, even if it expired."""
    from supertokens_python.recipe.session.constants import ACCESS_TOKEN_COOKIE_KEY

    token = request.COOKIES.get(ACCESS_TOKEN_COOKIE_KEY)
    if not token:
        return None
    from urllib.parse import unquote

    return _handle_of_expired_token(unquote(token))


async def asign_out(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Sign this browser out: revoke its session in the core, clear its cookies and state.

    Works with an expired access token (its signature must still be valid). Returns whether a
    session was revoked. The cookies and browser state are cleared in any case, also when the
    core cannot be reached (then the session lives on in the core until it expires).
    """
    from asgiref.sync import sync_to_async
    from supertokens_python.recipe.session.asyncio import revoke_session

    from .verify import is_core_failure, logger, within_core_timeout

    # The key lookup may fetch the signing keys with blocking I/O: not on the event loop.
    handle = await sync_to_async(session_handle, thread_sensitive=False)(request)
    revoked = False
    if handle is not None:
        try:
            revoked = await within_core_timeout(revoke_session(handle))
        except Exception as exc:
            if not is_core_failure(exc):
                raise
            logger.warning("Sign-out could not revoke the session: the core is unavailable.")
    clear_session_cookies(request, response)
    clear_browser_state(request, response)
    # Nothing queued on this request's session may write its cookies back afterwards.
    if getattr(request, "supertokens", None) is not None:
        request.supertokens.response_mutators.clear()  # type: ignore[attr-defined]
    return revoked


def sign_out(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Sync twin of :func:`asign_out`."""
    from asgiref.sync import async_to_sync

    return bool(async_to_sync(asign_out)(request, response))
