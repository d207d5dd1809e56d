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
import weakref
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
from supertokens_python.recipe.session.utils import get_token_transfer_method_default
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
# The SDK's anti-CSRF header as DjangoRequest.get_header() looks it up in request.META.
_ANTI_CSRF_KEY = ANTI_CSRF_HEADER_KEY.replace("-", "_").upper()
_ANTI_CSRF_HTTP_KEY = "HTTP_" + _ANTI_CSRF_KEY
LEGACY_COOKIE = "sIdRefreshToken"


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
    """A user override of a RecipeImplementation method on the accept path: the SDK's behaviour
    is no longer known here."""
    own = vars(impl)  # (three lookups: cheaper than any set operation on a dict's keys)
    return "get_session" in own or "get_global_claim_validators" in own or "validate_claims" in own


def _remember(token: str, entry: _Verified) -> None:
    with _cache_lock:
        if len(_cache) >= MAX_ENTRIES:
            del _cache[next(iter(_cache))]
        _cache[token] = entry


def _sdk_header(meta: Any, key: str, http_key: str) -> str | None:
    """``DjangoRequest.get_header()``, with the name already as it spells it (``"COOKIE"``)."""
    return meta.get(key) if key in meta else meta.get(http_key)  # type: ignore[no-any-return]


def _has_duplicate_access_cookie(meta: Any, wrapper: Any) -> bool:
    header = _sdk_header(meta, "COOKIE", "HTTP_COOKIE")
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
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta or "AUTHORIZATION" in meta:
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

    # The SDK's wrapper holds the request strongly, and the session it attaches closes a cycle
    # (request -> supertokens -> session -> req_res_info -> wrapper -> request): every verified
    # request would be left to the cyclic garbage collector (~10k instructions each). The
    # wrapper is only dereferenced while the request is answered (the cookie writes the session
    # queues), so a weak proxy does the same without the cycle.
    wrapper = DjangoRequest(weakref.proxy(request))
    if _has_duplicate_access_cookie(meta, wrapper):
        return None
    # What the SDK's get_token(request, "access", "cookie") returns (unquote() of a value
    # without a '%' is that value).
    token = unquote(value) if "%" in value else value
    if not token:
        return None

    config = recipe.config
    # The user context the SDK passes to the user functions below: one dict for all of them,
    # made only when one of them is the user's (the stock ones never read it).
    user_context = None
    choose_transfer = config.get_token_transfer_method
    if choose_transfer is not get_token_transfer_method_default:
        user_context = set_request_in_user_context_if_not_defined(None, wrapper)
        if choose_transfer(wrapper, False, user_context) not in ("any", "cookie"):
            return None
    # (The stock function answers "any" when no new session is being created.)
    do_anti_csrf_check = anti_csrf_check
    if do_anti_csrf_check is None:
        method = request.method
        if method is None:
            return None  # DjangoRequest.method() raises; the SDK's to report
        do_anti_csrf_check = normalise_http_method(method) != "get"
    mode = config.anti_csrf_function_or_string
    if callable(mode):
        # The SDK asks a user's function on every request with a token, checked or not.
        if user_context is None:
            user_context = set_request_in_user_context_if_not_defined(None, wrapper)
        try:
            mode = mode(wrapper, user_context)
        except Exception:
            return None  # the SDK's to raise
    # NONE never checks; VIA_CUSTOM_HEADER only wants some rid header; VIA_TOKEN compares the
    # anti-csrf header with the token, which is left to the SDK.
    if do_anti_csrf_check and not (
        mode == "NONE" or (mode == "VIA_CUSTOM_HEADER" and get_rid_from_header(wrapper) is not None)
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
        # The first use after a refresh is the SDK's (the core must see it): checking the
        # signature here first would only double its work (~1M instructions).
        if sanitize_string(info.payload.get("parentRefreshTokenHash1")) is not None:
            return None
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
        _sdk_header(meta, _ANTI_CSRF_KEY, _ANTI_CSRF_HTTP_KEY),
        entry.session_handle,  # type: ignore[arg-type]
        entry.user_id,  # type: ignore[arg-type]
        RecipeUserId(entry.recipe_user_id),  # type: ignore[arg-type]
        payload,
        None,
        False,
        entry.tenant_id,  # type: ignore[arg-type]
    )
    if override_global_claim_validators is not None and user_context is None:
        user_context = set_request_in_user_context_if_not_defined(None, wrapper)
    if not _no_claims_to_check(recipe, session, override_global_claim_validators, user_context):
        return None
    # What Session.attach_to_request_response does for a token that was not re-issued.
    session.req_res_info = ReqResInfo(wrapper, "cookie")
    # wrapper.set_session(session), on the request itself: through the weak proxy, its
    # hasattr() of a missing attribute would raise and catch an AttributeError.
    request.supertokens = session  # type: ignore[attr-defined]
    if hasattr(request, "_request"):  # DRF's Request: its middleware sees the Django request
        request._request.supertokens = session
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
