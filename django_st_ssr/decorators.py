"""``@ssr_session_required``: SuperTokens session verification for server-rendered views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, TypeVar, overload

from asgiref.sync import iscoroutinefunction
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers

from . import appinfo, redirects
from .conf import app_settings
from .verify import (
    SAFE_METHODS,
    ClaimValidators,
    Outcome,
    Verification,
    averify_request,
    django_csrf_passed,
    verify_request,
)

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

REFRESH_URL_HEADER = "X-SuperTokens-Refresh-URL"
# The refresh page accepts a login URL only when this module signed it.
LOGIN_URL_SALT = "django_st_ssr.login-url"
LOGIN_URL_PARAM = "login"

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _accept_quality(accept: str, wanted: Callable[[str], bool]) -> float:
    best = 0.0
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not wanted(media.lower()):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def is_navigation(request: HttpRequest) -> bool:
    """True for a browser loading a page (where a redirect makes sense), not fetch/XHR."""
    if request.method not in ("GET", "HEAD"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode:
        return mode == "navigate"
    if request.headers.get("X-Requested-With") or request.headers.get("HX-Request"):
        return False
    accept = request.headers.get("Accept", "")
    json_quality = _accept_quality(accept, lambda m: m == "application/json" or m.endswith("+json"))
    html_quality = _accept_quality(accept, lambda m: m in _HTML_TYPES)
    return not json_quality or html_quality >= json_quality


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
        return verify_request(request, **self.verify_kwargs(request))

    async def averify(self, request: HttpRequest) -> Verification:
        return await averify_request(request, **self.verify_kwargs(request))

    def reject(self, request: HttpRequest, result: Verification) -> HttpResponseBase | None:
        """The response for a failed verification, or None (after setting st_session)."""
        if result.outcome is Outcome.SESSION and _unchecked_cross_site_write(request, result):
            response: HttpResponseBase = JsonResponse(
                {"message": "cross-site request refused"}, status=403
            )
            add_never_cache_headers(response)
            return response
        if result.outcome is Outcome.SESSION:
            request.st_session = result.session  # type: ignore[attr-defined]
            request._st_session = result.session  # type: ignore[attr-defined]
            return None
        if result.outcome is Outcome.INVALID_CLAIMS:
            response = self._invalid_claims(request, result)
        elif result.outcome is Outcome.CORE_UNAVAILABLE:
            response = self._core_unavailable(request)
        else:
            response = self._refresh(request)
        _apply_sdk_mutators(request, result, response)
        # Answers about one browser's session: no cache may keep or share them.
        add_never_cache_headers(response)
        return response

    def accept(
        self, request: HttpRequest, result: Verification, response: HttpResponseBase
    ) -> HttpResponseBase:
        if result.session is not None:
            redirects.forget_refresh_attempts(request, response)
        return response

    def _refresh(self, request: HttpRequest) -> HttpResponseBase:
        refresh = redirects.refresh_url(self.refresh_url)
        if not is_navigation(request):
            response: HttpResponseBase = JsonResponse({"message": "try refresh token"}, status=401)
            response[REFRESH_URL_HEADER] = refresh
            return response
        if redirects.loop_detected(request):
            response = redirect(redirects.loop_error_url(refresh))
            redirects.forget_refresh_attempts(request, response)
            return response
        field = self.redirect_field_name or app_settings.REDIRECT_FIELD_NAME
        params = {field: request.get_full_path()}
        if self.login_url:
            params[LOGIN_URL_PARAM] = signing.dumps(
                redirects.login_url(self.login_url), salt=LOGIN_URL_SALT
            )
        response = redirect(redirects.add_query(refresh, **params))
        redirects.count_refresh_attempt(request, response)
        return response

    def _invalid_claims(self, request: HttpRequest, result: Verification) -> HttpResponseBase:
        navigation = is_navigation(request)
        if navigation:
            claim_redirects = app_settings.CLAIM_REDIRECTS
            for claim_id in result.claim_ids:
                if claim_id in claim_redirects:
                    field = self.redirect_field_name or app_settings.REDIRECT_FIELD_NAME
                    target = redirects.add_query(
                        str(resolve_url(claim_redirects[claim_id])),
                        **{field: request.get_full_path()},
                    )
                    return redirect(target)
            return render(
                request,
                "django_st_ssr/invalid_claims.html",
                {"claim_ids": result.claim_ids},
                status=403,
            )
        return JsonResponse(
            {"message": "invalid claim", "claimValidationErrors": list(result.claim_errors)},
            status=403,
        )

    def _core_unavailable(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponse
        if is_navigation(request):
            response = render(
                request,
                "django_st_ssr/core_unavailable.html",
                {"retry_url": request.get_full_path()},
                status=503,
            )
        else:
            response = JsonResponse({"message": "authentication service unavailable"}, status=503)
        response["Retry-After"] = "5"
        return response


def _unchecked_cross_site_write(request: HttpRequest, result: Verification) -> bool:
    """True for a signed-in unsafe request from another origin that no CSRF check has seen.

    On a ``csrf_exempt`` view (or without CsrfViewMiddleware) Django checks nothing, and with
    the default same-site cookies the SDK's anti-CSRF mode is "NONE": a page on a sibling
    subdomain (same site, so the cookies go along) could post as the visitor. Where Django did
    check, it has already compared the Origin with the host and CSRF_TRUSTED_ORIGINS.
    """
    if result.session is None or request.method in SAFE_METHODS:
        return False
    return not django_csrf_passed(request) and appinfo.is_cross_site(request)


def _apply_sdk_mutators(
    request: HttpRequest, result: Verification, response: HttpResponseBase
) -> None:
    """Write what the SDK wants on this response: its queued mutators and cookie clearing."""
    if not result.response_mutators and not result.clear_tokens:
        return
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.framework.django.django_response import DjangoResponse
    from supertokens_python.recipe.session.cookie_and_header import (
        clear_session_from_all_token_transfer_methods,
    )
    from supertokens_python.recipe.session.recipe import SessionRecipe
    from supertokens_python.utils import default_user_context

    st_request = DjangoRequest(request)
    st_response = DjangoResponse(response)  # type: ignore[arg-type]
    user_context = default_user_context(st_request)
    for mutator in result.response_mutators:
        mutator(st_response, user_context)
    if result.clear_tokens:
        clear_session_from_all_token_transfer_methods(
            st_response, SessionRecipe.get_instance(), st_request, user_context
        )


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
        return _protect(view_func, policy)

    if view is not None:
        return decorator(view)
    return decorator
