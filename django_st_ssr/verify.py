"""The one place that turns a request into an outcome.

The decorator, the mixin and the middleware's lazy ``request.st_session`` all ask this module, so
they never disagree about a request. Only the SDK's session errors and failures to reach the core
become outcomes; any other exception propagates like a bug should.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.http import HttpRequest

from . import fastpath, sdkerrors
from .conf import app_settings

if TYPE_CHECKING:
    from supertokens_python.recipe.session.interfaces import (
        ResponseMutator,
        SessionClaimValidator,
        SessionContainer,
    )

logger = logging.getLogger("django_st_ssr")

T = TypeVar("T")

# What the SDK accepts as override_global_claim_validators, plus a plain list of validators
# (``[]`` switches the global validators off, as the SuperTokens SSR guide does).
ClaimValidators = Callable[..., Any] | Sequence["SessionClaimValidator"] | None

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class Outcome(enum.Enum):
    SESSION = "session"
    TRY_REFRESH = "try_refresh"
    UNAUTHORISED = "unauthorised"
    INVALID_CLAIMS = "invalid_claims"
    CORE_UNAVAILABLE = "core_unavailable"


# Outcome.SESSION read once. On Python 3.11 every attribute read on an Enum class goes through
# EnumType.__getattr__ (about 1k instructions), and an accepted request needs it several times.
SESSION = Outcome.SESSION


class Verification(NamedTuple):
    """What verifying one request found (immutable; a tuple, cheap to make on every request).

    ``session`` is set for SESSION (None when the session was optional and absent).
    ``clear_tokens`` is the SDK's verdict on UNAUTHORISED; ``claim_ids`` names the failing
    claims for INVALID_CLAIMS; ``response_mutators`` are the SDK's queued writes (e.g. clearing
    duplicate cookies) that belong on whatever response answers this request.
    """

    outcome: Outcome
    session: SessionContainer | None = None
    clear_tokens: bool = False
    claim_ids: tuple[str, ...] = ()
    claim_errors: tuple[dict[str, Any], ...] = ()
    response_mutators: tuple[ResponseMutator, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome is SESSION


class SessionWriteOnSafeRequest(RuntimeError):
    """Raised when a GET/HEAD render tries to change the access-token payload."""


def django_csrf_passed(request: HttpRequest) -> bool:
    """True when Django's CsrfViewMiddleware (or csrf_protect) accepted this request.

    An HTML form cannot send the ``rid`` header the SDK's VIA_CUSTOM_HEADER anti-CSRF wants, so
    its check may be skipped, but only when Django has already done an equivalent one.
    """
    return bool(getattr(request, "csrf_processing_done", False))


def _claim_override(validators: ClaimValidators) -> Callable[..., Any] | None:
    if validators is None or callable(validators):
        return validators
    chosen = list(validators)
    return lambda _globals, _session, _user_context: chosen


# The SDK's answers that fastpath.decide() knows for certain: nothing is queued on the response
# by either error (the SDK's own exceptions start with no response mutators).
_EXPIRED = Verification(Outcome.TRY_REFRESH)
_NO_TOKEN = Verification(Outcome.UNAUTHORISED, clear_tokens=False)
_NO_SESSION = Verification(Outcome.SESSION)


def _fast_path(
    request: HttpRequest,
    session_required: bool,
    check_database: bool,
    validators: ClaimValidators,
    anti_csrf_check: bool | None,
) -> Verification | None:
    """A local verification that needs no SDK call (see ``fastpath.py``).

    It accepts exactly as the SDK would, and rejects only where the SDK's answer is certain (an
    expired token, no token at all); anything it cannot decide returns None and goes to the SDK.
    """
    decided = fastpath.decide(
        request,
        session_required=session_required,
        anti_csrf_check=anti_csrf_check,
        check_database=check_database,
        override_global_claim_validators=None
        if validators is None
        else _claim_override(validators),
    )
    if decided is None:
        return None
    if isinstance(decided, str):
        if decided == fastpath.EXPIRED:
            return _EXPIRED
        return _NO_TOKEN if session_required else _NO_SESSION
    if request.method in SAFE_METHODS:
        guard_payload_writes(decided)
    return Verification(SESSION, decided)


def verify_request(
    request: HttpRequest,
    *,
    session_required: bool = True,
    check_database: bool = False,
    override_global_claim_validators: ClaimValidators = None,
    anti_csrf_check: bool | None = None,
) -> Verification:
    """Verify the SuperTokens session of ``request`` (sync code only)."""
    if asyncio.events._get_running_loop() is not None:
        # The SDK's syncio helpers call run_until_complete, which fails inside a running loop.
        raise SynchronousOnlyOperation(
            "SuperTokens sessions cannot be verified synchronously inside an event loop: "
            "use 'await request.ast_session()' or averify_request() in async code."
        )
    fast = _fast_path(
        request,
        session_required,
        check_database,
        override_global_claim_validators,
        anti_csrf_check,
    )
    if fast is not None:
        return fast
    from supertokens_python.async_to_sync_wrapper import sync

    return sync(
        _verify(
            request,
            session_required,
            check_database,
            override_global_claim_validators,
            anti_csrf_check,
        )
    )


async def averify_request(
    request: HttpRequest,
    *,
    session_required: bool = True,
    check_database: bool = False,
    override_global_claim_validators: ClaimValidators = None,
    anti_csrf_check: bool | None = None,
) -> Verification:
    """Verify the SuperTokens session of ``request`` (async code)."""
    fast = _fast_path(
        request,
        session_required,
        check_database,
        override_global_claim_validators,
        anti_csrf_check,
    )
    if fast is not None:
        return fast
    if fastpath.may_fetch_keys(request):
        # The SDK fetches signing keys with blocking ``requests``: on the event loop a slow
        # core would stall every request of this worker, so that verification gets a thread.
        return await sync_to_async(verify_request, thread_sensitive=False)(
            request,
            session_required=session_required,
            check_database=check_database,
            override_global_claim_validators=override_global_claim_validators,
            anti_csrf_check=anti_csrf_check,
        )
    return await _verify(
        request,
        session_required,
        check_database,
        override_global_claim_validators,
        anti_csrf_check,
    )


async def _verify(
    request: HttpRequest,
    session_required: bool,
    check_database: bool,
    validators: ClaimValidators,
    anti_csrf_check: bool | None,
) -> Verification:
    from supertokens_python.recipe.session.asyncio import get_session

    call = get_session(
        request,
        session_required=session_required,
        anti_csrf_check=anti_csrf_check,
        check_database=check_database,
        override_global_claim_validators=_claim_override(validators),
    )
    try:
        session = await within_core_timeout(call)
    except Exception as exc:
        return outcome_for_exception(exc)
    if session is not None and request.method in SAFE_METHODS:
        guard_payload_writes(session)
    return Verification(Outcome.SESSION, session=session)


async def within_core_timeout(call: Awaitable[T]) -> T:
    """Await an SDK call, giving up after ``CORE_TIMEOUT`` seconds (asyncio.TimeoutError).

    The SDK's blocking fetch of the signing keys, which no cancellation can interrupt, is capped
    to the same bound by :func:`apply_core_timeout`, once, when the setting is read.
    """
    timeout = app_settings.CORE_TIMEOUT
    if not timeout:
        return await call
    return await asyncio.wait_for(call, timeout)


# The SDK's own JWKS timeout (10 s), restored when CORE_TIMEOUT is switched off (None).
_SDK_JWKS_TIMEOUT_MS: dict[str, int] = {}


def apply_core_timeout(**signal: Any) -> None:
    """Cap the SDK's JWKS fetch (a blocking ``requests.get``) to ``CORE_TIMEOUT``.

    Called at start-up (``init_supertokens``) and with the value ``settings.SUPERTOKENS`` takes
    (the ``setting_changed`` signal, e.g. ``override_settings``): never on a request.
    """
    from supertokens_python.recipe.session.jwks import JWKSConfig

    from .conf import DEFAULTS

    if "setting" in signal:
        if signal["setting"] != "SUPERTOKENS":
            return
        value = signal.get("value")
        timeout = (value if isinstance(value, Mapping) else {}).get(
            "CORE_TIMEOUT", DEFAULTS["CORE_TIMEOUT"]
        )
    else:
        try:
            timeout = app_settings.CORE_TIMEOUT
        except ImproperlyConfigured:
            return  # E001 reports it
    _SDK_JWKS_TIMEOUT_MS.setdefault("ms", JWKSConfig["request_timeout"])
    try:
        milliseconds = max(1, int(float(timeout) * 1000)) if timeout else None
    except (TypeError, ValueError):
        return  # not a number: the request path raises about it
    JWKSConfig["request_timeout"] = milliseconds or _SDK_JWKS_TIMEOUT_MS["ms"]


def outcome_for_exception(exc: Exception) -> Verification:
    """Map an exception raised by the SDK to an outcome, re-raising anything unexpected."""
    from supertokens_python.recipe.session.exceptions import (
        InvalidClaimsError,
        SuperTokensSessionError,
        TokenTheftError,
        TryRefreshTokenError,
        UnauthorisedError,
    )

    if isinstance(exc, SuperTokensSessionError):
        mutators = tuple(exc.response_mutators)
        if isinstance(exc, InvalidClaimsError):
            errors = tuple(error.to_json() for error in exc.payload)  # type: ignore[no-untyped-call,unused-ignore]
            return Verification(
                Outcome.INVALID_CLAIMS,
                claim_ids=tuple(error.id_ for error in exc.payload),
                claim_errors=errors,
                response_mutators=mutators,
            )
        if isinstance(exc, (UnauthorisedError, TokenTheftError)):
            clear = getattr(exc, "clear_tokens", True)
            return Verification(
                Outcome.UNAUTHORISED, clear_tokens=clear, response_mutators=mutators
            )
        # The SDK reports "could not fetch the signing keys" as try-refresh; refreshing cannot
        # help while the core is down, and would send every visitor round the refresh page.
        if isinstance(exc, TryRefreshTokenError) and exc.args and is_core_failure(exc.args[0]):
            log_core_failure(exc.args[0])
            return Verification(Outcome.CORE_UNAVAILABLE)
        return Verification(Outcome.TRY_REFRESH, response_mutators=mutators)
    if is_core_failure(exc):
        log_core_failure(exc)
        return Verification(Outcome.CORE_UNAVAILABLE)
    raise exc


def is_core_failure(exc: object) -> bool:
    """True for the ways the SDK reports that the SuperTokens core could not answer."""
    import httpx
    import requests

    if isinstance(exc, (asyncio.TimeoutError, httpx.HTTPError, requests.RequestException)):
        return True
    return sdkerrors.core_down_phrase(exc) is not None


def core_rejected_api_key(exc: object) -> bool:
    """True when the core answered 401: ``SUPERTOKENS["API_KEY"]`` is missing or wrong.

    The SDK reports it like any core error ("... with status code: 401 and message: ...").
    """
    return sdkerrors.is_core_401(exc)


def log_core_failure(exc: object) -> None:
    """One log line per core failure, saying whether it is an outage or a configuration error."""
    if core_rejected_api_key(exc):
        logger.error(
            "SuperTokens core rejected the API key (HTTP 401): a configuration error, not an "
            "outage; check SUPERTOKENS['API_KEY'] against the core's api_keys."
        )
        return
    # Only the type and the SDK's fixed phrase: the rest may echo request data.
    reason = sdkerrors.core_down_phrase(exc) or ""
    logger.warning("SuperTokens core unavailable: %s %s", type(exc).__name__, reason)


def guard_payload_writes(session: SessionContainer) -> None:
    """Make payload updates on this session fail loudly.

    A token changed while rendering a GET/HEAD never reaches the frontend SDK's state (the
    response is a page, not a fetch), so the SuperTokens guide forbids it. Every payload write of
    the SDK (set_claim_value, fetch_and_set_claim, remove_claim and their sync_ twins) goes
    through merge_into_access_token_payload, so shadowing it on this one instance is enough.
    """
    session.merge_into_access_token_payload = _refuse_payload_write  # type: ignore[method-assign]


async def _refuse_payload_write(*_args: Any, **_kwargs: Any) -> None:
    raise SessionWriteOnSafeRequest(
        "The access-token payload must not change while rendering a GET/HEAD request: "
        "the browser's SuperTokens state would not see the new token. Update it in a POST "
        "view (or through the SDK's /auth APIs) instead."
    )
