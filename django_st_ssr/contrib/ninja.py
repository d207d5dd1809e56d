"""Django Ninja: ``SuperTokensAuth``, the same semantics as ``contrib.drf``.

::

    api = NinjaAPI(auth=SuperTokensAuth())
    handle_rejections(api)  # the SDK's JSON bodies (else Ninja's {"detail": ...})

    @api.post("/articles", auth=SuperTokensAuth(email_verified=True, roles=["editor"]))
    def publish(request): ...

``request.auth`` is the SDK's ``SessionContainer``, ``request.user`` its Django user.
Needs ``SuperTokensMiddleware``, which writes the view's session changes onto the response.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security.base import AuthBase

from .. import responses
from ..verify import ClaimValidators, Outcome
from . import api

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from supertokens_python.recipe.session.interfaces import SessionContainer


class SessionRejected(HttpError):
    """A call whose session cannot be used: status and body from ``responses.api_answer``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, str(body.get("message", "")))
        self.body = body


class SuperTokensAuth(AuthBase):
    """Authenticates a call by its SuperTokens session (sync and async operations).

    No session: Ninja's 401, which supertokens-web-js refreshes on. An expired token: 401
    ``{"message": "try refresh token"}``; failing global claims: 403 with the SDK's
    ``claimValidationErrors``. Same fast path as pages: no core call per call.

    ``email_verified``, ``roles`` and ``permissions`` are what the operation requires besides a
    session, as DRF's ``EmailVerified``, ``HasRole.named`` and ``HasPermission.named``: all of
    them, read from the verified token (no core call); one missing is a 403 naming every claim
    that fails.
    """

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = "sAccessToken"

    def __init__(
        self,
        *,
        check_database: bool = False,
        override_global_claim_validators: ClaimValidators = None,
        email_verified: bool = False,
        roles: Iterable[str] = (),
        permissions: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.policy = api.policy(check_database, override_global_claim_validators)
        self.requirements = api.requirements(
            email_verified=email_verified, roles=roles, permissions=permissions
        )

    def __call__(self, request: HttpRequest) -> SessionContainer | None:
        result = self.policy.verify(request)
        if result.outcome is Outcome.SESSION:
            session = result.session
            if session is None:
                return None
            if api.cross_site(request, result):
                raise SessionRejected(403, responses.CROSS_SITE_REFUSED)
            request.st_session = request._st_session = session  # type: ignore[attr-defined]
            request.user = api.session_user(request, session)
            unmet = api.unmet(session, self.requirements)
            if unmet is None:
                responses.defer_acceptance(request, result)
                return session
            result = unmet
        responses.defer_rejection(request, result)
        raise SessionRejected(*responses.api_answer(result.outcome, result.claim_errors))


def handle_rejections(ninja_api: NinjaAPI) -> None:
    """Answer :class:`SessionRejected` with the SDK's bodies on ``ninja_api``."""

    def answer(request: HttpRequest, exc: Any) -> HttpResponse:
        return ninja_api.create_response(request, exc.body, status=exc.status_code)

    ninja_api.add_exception_handler(SessionRejected, answer)
