"""``SSRSessionRequiredMixin``: the decorator's behaviour for class-based views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.views import View

from .decorators import SessionPolicy
from .verify import ClaimValidators


class SSRSessionRequiredMixin:
    """Verify the SuperTokens session before ``dispatch`` (sync and async views).

    Put it first among the bases, before ``View`` or any generic view. The attributes mirror the
    arguments of ``ssr_session_required``; override ``get_session_policy()`` to decide per request.
    """

    session_required: bool = True
    check_database: bool = False
    override_global_claim_validators: ClaimValidators = None
    refresh_url: str | None = None
    login_url: str | None = None
    redirect_field_name: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # View.dispatch calls the handler without super(): placed after View in the MRO, this
        # mixin's dispatch would never run and the page would be served unprotected.
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        if View in mro and mro.index(View) < mro.index(SSRSessionRequiredMixin):
            raise ImproperlyConfigured(
                f"{cls.__qualname__}: put SSRSessionRequiredMixin before View (first among the "
                f"bases, e.g. class {cls.__name__}(SSRSessionRequiredMixin, TemplateView)); "
                "after it, the session would never be checked."
            )

    def get_session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            session_required=self.session_required,
            check_database=self.check_database,
            override_global_claim_validators=self.override_global_claim_validators,
            refresh_url=self.refresh_url,
            login_url=self.login_url,
            redirect_field_name=self.redirect_field_name,
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "view_is_async", False):
            return self._adispatch(request, *args, **kwargs)
        policy = self.get_session_policy()
        result = policy.verify(request)
        rejection = policy.reject(request, result)
        if rejection is not None:
            return rejection
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return policy.accept(request, result, response)

    async def _adispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        policy = self.get_session_policy()
        result = await policy.averify(request)
        rejection = policy.reject(request, result)
        if rejection is not None:
            return rejection
        response = await super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return policy.accept(request, result, response)
