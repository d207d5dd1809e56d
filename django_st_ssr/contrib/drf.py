"""Django REST framework: ``SuperTokensAuthentication`` and permission classes for claims.

::

    REST_FRAMEWORK = {
        # First: DRF asks only the first class for its 401 header (system check W008).
        "DEFAULT_AUTHENTICATION_CLASSES": ["django_st_ssr.contrib.drf.SuperTokensAuthentication"],
    }

``request.user`` is the session's Django user, ``request.auth`` the SDK's ``SessionContainer``.
Needs ``SuperTokensMiddleware``: it writes what the view changes on the session (a new token
payload, a revocation) onto DRF's response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .. import responses
from ..verify import ClaimValidators, Outcome, Verification
from . import api

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView
    from supertokens_python.recipe.session.interfaces import SessionContainer

# The scheme of the WWW-Authenticate header: with it DRF answers 401 (not 403), the status
# supertokens-web-js refreshes the session on before replaying the call.
AUTH_SCHEME = "SuperTokens"


def _with_body(error: exceptions.APIException, status: int, body: dict[str, Any]) -> Any:
    # Kept as is: DRF would turn every value of a detail it is given into a string.
    error.status_code = status
    error.detail = body
    return error


class SessionRefused(exceptions.APIException):
    """The 403 or 503 answer of ``responses.api_answer`` (a 401 is DRF's AuthenticationFailed)."""


def _refusal(status: int, body: dict[str, Any]) -> exceptions.APIException:
    if status == 401:
        return _with_body(exceptions.AuthenticationFailed(), status, body)  # type: ignore[no-any-return,unused-ignore]
    return _with_body(SessionRefused(), status, body)  # type: ignore[no-any-return,unused-ignore]


class SuperTokensAuthentication(BaseAuthentication):
    """Authenticates a call by its SuperTokens session; returns ``(user, session)``.

    No session at all: None (anonymous; the permission classes decide). An expired token: 401
    ``{"message": "try refresh token"}``, also where anonymous calls are allowed (the caller is
    signed in, only its token is stale); failing global claims: 403 with the SDK's
    ``claimValidationErrors``. A browser navigating to the browsable API gets what a page gets
    instead (``responses.finish_deferred``). Verified on the same fast path as pages.
    Subclass to set ``check_database`` or ``override_global_claim_validators``.
    """

    check_database: bool = False
    override_global_claim_validators: ClaimValidators = None

    def authenticate(self, request: Request) -> tuple[Any, SessionContainer] | None:
        # DRF's Request wraps Django's: the SDK must see (and mark) the request the
        # middleware answers, or a token changed by the view would never reach the browser.
        django_request = request._request
        checks = api.policy(self.check_database, self.override_global_claim_validators)
        answer: tuple[Any, SessionContainer] | None
        answer = self._answer(django_request, checks.verify(django_request))
        return answer

    def _answer(self, django_request: Any, result: Verification) -> Any:
        if result.outcome is Outcome.SESSION:
            session = result.session
            if session is None:
                return None
            if api.cross_site(django_request, result):
                raise _with_body(exceptions.PermissionDenied(), 403, responses.CROSS_SITE_REFUSED)
            django_request.st_session = django_request._st_session = session
            responses.defer_acceptance(django_request, result)
            return api.session_user(django_request, session), session
        responses.defer_rejection(django_request, result)
        raise _refusal(*responses.api_answer(result.outcome, result.claim_errors))

    def authenticate_header(self, request: Request) -> str:
        # DRF asks only when it answers 401: a rejection raised above, or no session at all
        # where the view needs one (NotAuthenticated). The middleware then gives a person at
        # the browsable API what a page gets (sign-in, through the refresh), a script the 401.
        django_request = getattr(request, "_request", request)
        if not hasattr(django_request, "_st_rejection"):
            responses.defer_rejection(django_request, Verification(Outcome.UNAUTHORISED))
        return AUTH_SCHEME


def _session(request: Request) -> SessionContainer | None:
    from supertokens_python.recipe.session.interfaces import SessionContainer

    return request.auth if isinstance(request.auth, SessionContainer) else None


class _ClaimPermission(BasePermission):
    """Refuses with the SDK's claim payload (403) when the session's token lacks a claim."""

    check: Callable[[SessionContainer], dict[str, Any] | None]

    def has_permission(self, request: Request, view: APIView) -> bool:
        session = _session(request)
        if session is None:
            return False  # DRF answers 401 (not signed in) or 403
        refused = api.unmet(session, [type(self).check])
        if refused is None:
            return True
        # Named claims: a navigation goes to the claim's CLAIM_REDIRECTS page, as pages do.
        responses.defer_rejection(request._request, refused)
        raise _refusal(*responses.api_answer(refused.outcome, refused.claim_errors))


class EmailVerified(_ClaimPermission):
    """The session's token says the email is verified (emailverification recipe)."""

    check = staticmethod(api.unverified_email)


class HasRole(_ClaimPermission):
    """``permission_classes = [HasRole.named("admin")]``: the token carries that role."""

    @classmethod
    def named(cls, role: str) -> type[HasRole]:
        check = staticmethod(lambda session: api.missing_in_claim(session, api.ROLE_CLAIM, role))
        return type(f"HasRole_{role}", (cls,), {"check": check})


class HasPermission(_ClaimPermission):
    """``permission_classes = [HasPermission.named("articles:write")]`` (userroles permission)."""

    @classmethod
    def named(cls, permission: str) -> type[HasPermission]:
        check = staticmethod(
            lambda session: api.missing_in_claim(session, api.PERMISSION_CLAIM, permission)
        )
        return type(f"HasPermission_{permission}", (cls,), {"check": check})
