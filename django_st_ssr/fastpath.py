"""A local verifier in front of supertokens-python's ``get_session``.

``get_session(request, ...)`` returns the ``SessionContainer`` the SDK would have returned, or
``None`` meaning "not decided here: ask the SDK". It decides only the common case (one
``sAccessToken`` cookie, a v3+ token whose kid is in the SDK's own fresh JWKS cache, no anti-CSRF
token to compare, no ``check_database``, no claim validators, the stock recipe implementation) and
takes every step with the SDK's own functions, in the SDK's order, so an accept here is an accept
there.

``decide(request, ...)`` also names the two rejections whose SDK answer is certain before any
signature is checked, so the SDK need not be asked: ``EXPIRED`` (under the same conditions, an
``exp`` already in the past: whatever else is wrong with the token, the SDK raises
``TryRefreshTokenError`` with nothing queued on the response) and ``NO_TOKEN`` (no access token
anywhere the SDK looks: ``UnauthorisedError(clear_tokens=False)``, or no session when it is
optional). Every other rejection is left to the SDK, which then also produces the error and the
cookies to clear.

The speed comes from skipping the SDK's per-call event-loop round trip and from a small
per-process cache of successful signature checks keyed by the whole token. A cached result is
only reused while the SDK still holds the very same fresh JWKS object it was checked against, and
the token's ``iat``/``exp`` are re-checked against the clock on every use, exactly as PyJWT does.
Keys are never fetched here: a cold or stale cache sends the request to the SDK, which fetches.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

import jwt
from supertokens_python.framework.django.django_request import DjangoRequest
from supertokens_python.recipe.multitenancy.constants import DEFAULT_TENANT_ID
from supertokens_python.recipe.session import jwks
from supertokens_python.recipe.session.access_token import (
    sanitize_number,
    sanitize_string,
    validate_access_token_structure,
)
from supertokens_python.recipe.session.constants import ANTI_CSRF_HEADER_KEY
from supertokens_python.recipe.session.cookie_and_header import (
    build_front_token,
    has_multiple_cookies_for_token_type,
)
from supertokens_python.recipe.session.interfaces import ReqResInfo
from supertokens_python.recipe.session.jwt import parse_jwt_without_signature_verification
from supertokens_python.recipe.session.recipe import SessionRecipe
from supertokens_python.recipe.session.recipe_implementation import RecipeImplementation
from supertokens_python.recipe.session.session_class import Session
from supertokens_python.types import RecipeUserId
from supertokens_python.utils import (
    get_rid_from_header,
    get_timestamp_ms,
    normalise_http_method,
    set_request_in_user_context_if_not_defined,
    utf_base64decode,
)

if TYPE_CHECKING:
    from django.http import HttpRequest
    from supertokens_python.recipe.session.interfaces import SessionContainer

# About 4 KB an entry (the token, its parsed payload, the front token): at most ~17 MB a worker.
# A token that fell out costs one more signature check (~1M instructions); the oldest goes first.
MAX_ENTRIES = 4_096

# What decide() answers besides a session (and None, "ask the SDK").
EXPIRED = "expired"
NO_TOKEN = "no_token"

ACCESS_COOKIE = "sAccessToken"
LEGACY_COOKIE = "sIdRefreshToken"
# RecipeImplementation methods on the accept path; a user override of any of them means the
# SDK's behaviour is no longer known here.
_ACCEPT_PATH_METHODS = ("get_session", "get_global_claim_validators", "validate_claims")


class _Verified(NamedTuple):
    keys: Any  # the SDK's CachedKeys object the signature was checked against
    impl: Any  # the session recipe implementation in force at the time
    not_before: int  # int(iat), int(nbf): PyJWT rejects while either is in the future
    expires: int  # int(exp): PyJWT rejects from this second on
    expiry_ms: float  # the SDK's own expiry check, and the session's expiry
    payload_json: str
    payload: dict[str, Any] | None  # set when every value is immutable: a shallow copy will do
    session_handle: str | None
    user_id: str | None
    recipe_user_id: str | None
    tenant_id: str | None
    front_token: str
    dynamic_key: bool  # the kid's prefix, checked against the config on every use


_cache: dict[str, _Verified] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _overridden(impl: RecipeImplementation) -> bool:
    return not vars(impl).keys().isdisjoint(_ACCEPT_PATH_METHODS)


def _remember(token: str, entry: _Verified) -> None:
    with _cache_lock:
        if len(_cache) >= MAX_ENTRIES:
            del _cache[next(iter(_cache))]
        _cache[token] = entry


def _has_duplicate_access_cookie(wrapper: Any) -> bool:

    header = wrapper.get_header("cookie")
    # Without a '%' every cookie name is literal, so one occurrence of the name means one
    # cookie; anything else is left to the SDK's own parser.
    if header is not None and "%" not in header and header.count(ACCESS_COOKIE) == 1:
        return False
    return bool(has_multiple_cookies_for_token_type(wrapper, "access"))


def _no_claims_to_check(recipe: Any, session: Any, override: Any, user_context: Any) -> bool:
    """True when the SDK's effective claim validators for this session are none at all.

    The stock get_global_claim_validators returns the validators other recipes added; an
    override of them (e.g. "no claims here") is called as the SDK calls it.
    """
    validators = recipe.get_claim_validators_added_by_other_recipes()
    if override is not None:
        try:
            validators = override(validators, session, user_context)
        except Exception:
            return False  # the SDK will raise it again, where it belongs
        if inspect.isawaitable(validators):
            if inspect.iscoroutine(validators):
                validators.close()
            return False
    return not validators


def _expired(info: Any) -> bool:
    """The SDK's answer is certainly "try refresh": its expiry check fails whatever else does.

    Only asked of a v3+ token whose kid is in the SDK's fresh key set, so the SDK fetches
    nothing (and cannot meet a core outage) before it fails; any failure there is try-refresh.
    """
    exp = info.payload.get("exp")
    return type(exp) in (int, float) and exp * 1000 < get_timestamp_ms()


def _verify(info: Any, matching: Any, keys: Any, impl: Any) -> _Verified | None:
    """The SDK's checks for a v3+ token against a fresh key set; None if any of them fails."""

    try:
        # The same call, arguments and options as access_token.get_info_from_access_token.
        payload = jwt.decode(
            info.raw_token_string,
            matching.key,
            algorithms=[info.parsed_header["alg"]],
            options={"verify_signature": True, "verify_exp": True},
        )
        validate_access_token_structure(payload, info.version)
        user_id = sanitize_string(payload.get("sub"))
        expiry_ms = sanitize_number(payload.get("exp", 0) * 1000)
        if not isinstance(expiry_ms, (int, float)) or expiry_ms < get_timestamp_ms():
            return None
        # A non-null parent hash is the first use after a refresh: the core must see it.
        if sanitize_string(payload.get("parentRefreshTokenHash1")) is not None:
            return None
        tenant_id = sanitize_string(payload.get("tId")) if info.version >= 4 else DEFAULT_TENANT_ID
        not_before = int(payload["iat"])
        if "nbf" in payload:
            not_before = max(not_before, int(payload["nbf"]))
        payload_json = utf_base64decode(info.raw_payload, True)
        parsed = json.loads(payload_json)
        flat = all(type(value) in _IMMUTABLE for value in parsed.values())
        return _Verified(
            keys=keys,
            impl=impl,
            not_before=not_before,
            expires=int(payload["exp"]),
            expiry_ms=expiry_ms,
            payload_json=payload_json,
            payload=parsed if flat else None,
            session_handle=sanitize_string(payload.get("sessionHandle")),
            user_id=user_id,
            recipe_user_id=sanitize_string(payload.get("rsub", user_id)),
            tenant_id=tenant_id,
            dynamic_key=info.kid.startswith("d-"),
            front_token=build_front_token(user_id, expiry_ms, parsed),  # type: ignore[arg-type]
        )
    except Exception:
        # The SDK turns every failure here into an error; it gets to say which.
        return None


# JSON values a view cannot change in place: a payload made only of them is copied shallowly.
_IMMUTABLE = (str, int, float, bool, type(None))


def get_session(
    request: HttpRequest,
    *,
    session_required: bool | None = None,
    anti_csrf_check: bool | None = None,
    check_database: bool | None = None,
    override_global_claim_validators: Any = None,
) -> SessionContainer | None:
    """The session the SDK's ``get_session`` would return for ``request``, or None if undecided.

    Takes the SDK's keyword arguments. On success the session is attached to the request as the
    SDK does (``request.supertokens``).
    """
    decided = decide(
        request,
        session_required=session_required,
        anti_csrf_check=anti_csrf_check,
        check_database=check_database,
        override_global_claim_validators=override_global_claim_validators,
    )
    return None if decided is None or isinstance(decided, str) else decided


def decide(
    request: HttpRequest,
    *,
    session_required: bool | None = None,
    anti_csrf_check: bool | None = None,
    check_database: bool | None = None,
    override_global_claim_validators: Any = None,
) -> SessionContainer | str | None:
    """``get_session``'s answer, or ``EXPIRED`` / ``NO_TOKEN`` where the SDK's error is certain.

    ``NO_TOKEN`` means the SDK returns None when ``session_required`` is False, and raises
    ``UnauthorisedError(clear_tokens=False)`` otherwise.
    """
    try:
        recipe = SessionRecipe.get_instance()
    except Exception:
        return None
    impl = recipe.recipe_implementation
    # A subclass or an instance override may change any step: only the stock class is known.
    if type(impl) is not RecipeImplementation or _overridden(impl):
        return None
    # The SDK prefers a valid bearer token to the cookie (it reads both of these keys), and
    # treats a legacy cookie as "refresh first".
    if "HTTP_AUTHORIZATION" in request.META or "AUTHORIZATION" in request.META:
        return None
    cookies = request.COOKIES
    if LEGACY_COOKIE in cookies:
        return None
    value = cookies.get(ACCESS_COOKIE)
    if value is None:
        # No token where the SDK looks: it decides this before anything else (and the anti-CSRF
        # check is off without a token).
        return NO_TOKEN
    if check_database:
        return None

    keys = jwks.cached_keys
    if keys is None or not keys.is_fresh():
        return None

    wrapper = DjangoRequest(request)
    if _has_duplicate_access_cookie(wrapper):
        return None
    token = unquote(value)  # what the SDK's get_token(request, "access", "cookie") returns
    if not token:
        return None

    config = recipe.config
    user_context = set_request_in_user_context_if_not_defined(None, wrapper)
    if config.get_token_transfer_method(wrapper, False, user_context) not in ("any", "cookie"):
        return None
    do_anti_csrf_check = anti_csrf_check
    if do_anti_csrf_check is None:
        do_anti_csrf_check = normalise_http_method(wrapper.method()) != "get"
    if do_anti_csrf_check:
        mode = config.anti_csrf_function_or_string
        if callable(mode):
            mode = mode(wrapper, user_context)
        # NONE never checks; VIA_CUSTOM_HEADER only wants some rid header; VIA_TOKEN compares
        # the anti-csrf header with the token, which is left to the SDK.
        if not (
            mode == "NONE"
            or (mode == "VIA_CUSTOM_HEADER" and get_rid_from_header(wrapper) is not None)
        ):
            return None

    entry = _cache.get(token)
    if entry is None or entry.keys is not keys or entry.impl is not impl:
        try:
            info = parse_jwt_without_signature_verification(token)
            validate_access_token_structure(info.payload, info.version)
        except Exception:
            return None  # the SDK ignores such a token, and says which error that leads to
        if info.version < 3 or info.kid is None or info.parsed_header is None:
            return None
        matching = [key for key in keys.keys if key.key_id == info.kid]
        if not matching:
            return None
        if _expired(info):
            return EXPIRED
        verified = _verify(info, matching[0], keys, impl)
        if verified is None:
            return None
        entry = verified
        _remember(token, entry)
    now = time.time()
    # PyJWT's iat/nbf rules, at this very second; a token not yet valid is the SDK's to judge.
    if now < entry.not_before:
        return None
    # PyJWT's exp rule and the SDK's millisecond expiry check: past either, the SDK says
    # "try refresh" (the signature is known good and the key still in its cache).
    if now >= entry.expires or entry.expiry_ms < int(now * 1000):
        return EXPIRED
    # The SDK's kid-prefix rule: a d- key only when dynamic signing keys are configured.
    if entry.dynamic_key != impl.config.use_dynamic_access_token_signing_key:
        return None

    # A payload of plain values needs only a shallow copy to be the view's own.
    payload = dict(entry.payload) if entry.payload is not None else json.loads(entry.payload_json)
    session = Session(
        impl,
        impl.config,
        token,
        entry.front_token,
        None,
        wrapper.get_header(ANTI_CSRF_HEADER_KEY),
        entry.session_handle,  # type: ignore[arg-type]
        entry.user_id,  # type: ignore[arg-type]
        RecipeUserId(entry.recipe_user_id),  # type: ignore[arg-type]
        payload,
        None,
        False,
        entry.tenant_id,  # type: ignore[arg-type]
    )
    if not _no_claims_to_check(recipe, session, override_global_claim_validators, user_context):
        return None
    # What Session.attach_to_request_response does for a token that was not re-issued.
    session.req_res_info = ReqResInfo(wrapper, "cookie")
    wrapper.set_session(session)
    return session


def may_fetch_keys(request: HttpRequest) -> bool:
    """Whether the SDK, verifying ``request``, might fetch the JWKS with blocking ``requests``.

    The async path runs the SDK in a thread when this is true, so a slow core cannot stall the
    event loop (and with it every other request on the worker).
    """
    candidates = [request.COOKIES.get(ACCESS_COOKIE)]
    bearer = request.META.get("HTTP_AUTHORIZATION") or request.META.get("AUTHORIZATION")
    if bearer:
        candidates.append(bearer[len("Bearer ") :].strip())
    tokens = [token for token in candidates if token]
    if not tokens:
        return False  # without a token the SDK never looks at keys
    keys = jwks.cached_keys
    if keys is None or not keys.is_fresh():
        return True
    known = {key.key_id for key in keys.keys}
    for token in tokens:
        try:
            kid = parse_jwt_without_signature_verification(token).kid
        except Exception:
            kid = None  # the SDK ignores what it cannot parse, so it fetches nothing for it
        if kid is not None and kid not in known:
            return True
    return False
