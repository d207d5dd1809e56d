"""``@ssr_session_required``: SuperTokens session verification for server-rendered views."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast, overload

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.middleware.cache import CacheMiddleware
from django.utils.decorators import decorator_from_middleware_with_args

from . import appinfo, redirects, responses
from .redirects import LOGIN_URL_PARAM, LOGIN_URL_SALT
from .responses import REFRESH_URL_HEADER, is_navigation
from .verify import (
    SAFE_METHODS,
    SESSION,
    ClaimValidators,
    Outcome,
    Verification,
    averify_request,
    django_csrf_passed,
    verify_request,
)

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

# Importable from here as in 0.1; they live where they are used.
__all__ = [
    "LOGIN_URL_PARAM",
    "LOGIN_URL_SALT",
    "REFRESH_URL_HEADER",
    "SessionPolicy",
    "is_navigation",
    "ssr_session_required",
]


@dataclass(frozen=True)
class SessionPolicy:
    """What one protected view asks for; shared by the decorator and the mixin."""

    session_required: bool = True
    check_database: bool = False
    override_global_claim_validators: ClaimValidators = None
    refresh_url: str | None = None
    login_url: str | None = None
    redirect_field_name: str | None = None

    def verify_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "session_required": self.session_required,
            "check_database": self.check_database,
            "override_global_claim_validators": self.override_global_claim_validators,
            # None leaves the SDK's own rule in force; False only after Django's check.
            "anti_csrf_check": False if django_csrf_passed(request) else None,
        }

    def verify(self, request: HttpRequest) -> Verification:
        # verify_kwargs() spelled out: no dict to build and unpack on every protected request.
        return verify_request(
            request,
            session_required=self.session_required,
            check_database=self.check_database,
            override_global_claim_validators=self.override_global_claim_validators,
            anti_csrf_check=False if django_csrf_passed(request) else None,
        )

    async def averify(self, request: HttpRequest) -> Verification:
        return await averify_request(request, **self.verify_kwargs(request))

    def reject(self, request: HttpRequest, result: Verification) -> HttpResponseBase | None:
        """The response for a failed verification, or None (after setting st_session)."""
        if result.outcome is SESSION:
            if request.method not in SAFE_METHODS and unchecked_cross_site_write(request, result):
                return responses.cross_site_refused()
            request.st_session = result.session  # type: ignore[attr-defined]
            request._st_session = result.session  # type: ignore[attr-defined]
            return None
        if not self.session_required and _refresh_came_back_empty(request, result):
            # An optional page already sent this browser to be refreshed, and it came back
            # without a session (no refresh token): the visitor is anonymous, not a user to
            # sign in. The SDK's clearing of the stale cookies goes on the page (accept).
            request.st_session = None  # type: ignore[attr-defined]
            request._st_session = None  # type: ignore[attr-defined]
            return None
        return responses.reject(
            request,
            result,
            refresh_url=self.refresh_url,
            login_url=self.login_url,
            redirect_field_name=self.redirect_field_name,
            # Where a failed refresh goes: an optional page is fine without a session.
            back_to_page_on_failure=not self.session_required,
        )

    def accept(
        self, request: HttpRequest, result: Verification, response: HttpResponseBase
    ) -> HttpResponseBase:
        return responses.accepted(request, result, response)


def _refresh_came_back_empty(request: HttpRequest, result: Verification) -> bool:
    needs_refresh = result.outcome in (Outcome.TRY_REFRESH, Outcome.UNAUTHORISED)
    return needs_refresh and redirects.refresh_attempts(request) > 0


def _cache_page_around(view_func: Callable[..., Any]) -> CacheMiddleware | None:
    """The CacheMiddleware of a ``cache_page`` wrapper that ``view_func`` is, else None.

    Django builds ``cache_page`` with ``decorator_from_middleware_with_args``: a ``wraps()``
    wrapper (so with ``__wrapped__``) whose closures hold the middleware instance.
    """
    wrapped = getattr(view_func, "__wrapped__", None)
    if wrapped is None:
        return None
    cells = list(getattr(view_func, "__closure__", None) or ())
    for _ in range(50):  # Django's wrapper is two closures deep; never wander far
        if not cells:
            break
        try:
            value = cells.pop().cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, CacheMiddleware):
            return value
        if inspect.isfunction(value) and value is not wrapped:
            cells.extend(value.__closure__ or ())
    return None


def unchecked_cross_site_write(request: HttpRequest, result: Verification) -> bool:
    """True for a signed-in unsafe request from another origin that no CSRF check has seen.

    On a ``csrf_exempt`` view (or without CsrfViewMiddleware) Django checks nothing, and with
    the default same-site cookies the SDK's anti-CSRF mode is "NONE": a page on a sibling
    subdomain (same site, so the cookies go along) could post as the visitor. Where Django did
    check, it has already compared the Origin with the host and CSRF_TRUSTED_ORIGINS.
    """
    if result.session is None or request.method in SAFE_METHODS:
        return False
    return not django_csrf_passed(request) and appinfo.is_cross_site(request)


def _protect(view_func: ViewFunc, policy: SessionPolicy) -> ViewFunc:
    if iscoroutinefunction(view_func):

        async def _async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            result = await policy.averify(request)
            rejection = policy.reject(request, result)
            if rejection is not None:
                return rejection
            response = await view_func(request, *args, **kwargs)
            return policy.accept(request, result, response)

        wrapper: Callable[..., Any] = _async_wrapper
    else:

        def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            result = policy.verify(request)
            rejection = policy.reject(request, result)
            if rejection is not None:
                return rejection
            response = view_func(request, *args, **kwargs)
            return policy.accept(request, result, response)

        wrapper = _view_wrapper
    # Read by tooling (and tests) that want to know how a view is protected.
    wrapper.ssr_session_policy = policy  # type: ignore[attr-defined]
    return wraps(view_func)(wrapper)  # type: ignore[return-value]


@overload
def ssr_session_required(view: ViewFunc) -> ViewFunc: ...


@overload
def ssr_session_required(
    view: None = None,
    *,
    session_required: bool = True,
    check_database: bool = False,
    override_global_claim_validators: ClaimValidators = None,
    refresh_url: str | None = None,
    login_url: str | None = None,
    redirect_field_name: str | None = None,
) -> Callable[[ViewFunc], ViewFunc]: ...


def ssr_session_required(
    view: ViewFunc | None = None,
    *,
    session_required: bool = True,
    check_database: bool = False,
    override_global_claim_validators: ClaimValidators = None,
    refresh_url: str | None = None,
    login_url: str | None = None,
    redirect_field_name: str | None = None,
) -> Any:
    """Verify the SuperTokens session before a (sync or async) view runs.

    Usable bare (``@ssr_session_required``) or with arguments. See README "Decorator, mixin and
    middleware reference" for what each outcome does.
    """
    policy = SessionPolicy(
        session_required=session_required,
        check_database=check_database,
        override_global_claim_validators=override_global_claim_validators,
        refresh_url=refresh_url,
        login_url=login_url,
        redirect_field_name=redirect_field_name,
    )

    def decorator(view_func: ViewFunc) -> ViewFunc:
        cache = _cache_page_around(view_func)
        if cache is not None:
            # @cache_page *under* this decorator would store a signed-in visitor's page before
            # the decorator sees the response, and serve it to the next signed-in visitor.
            # Verify first, inside the same cache_page: it then never stores what we answered.
            inner = _protect(view_func.__wrapped__, policy)  # type: ignore[attr-defined]
            recache = decorator_from_middleware_with_args(CacheMiddleware)(
                cache_timeout=cache.cache_timeout,
                page_timeout=getattr(cache, "page_timeout", None),
                cache_alias=cache.cache_alias,
                key_prefix=cache.key_prefix,
            )
            return cast(ViewFunc, recache(inner))
        return _protect(view_func, policy)

    if view is not None:
        return decorator(view)
    return decorator
