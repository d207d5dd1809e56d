"""Server-rendered sign-in, sign-up, sign-out, password reset and email verification.

Class-based views in the manner of ``django.contrib.auth.views``: every step is a method to
override, every page a template with blocks. They call the SDK's recipe functions (so overrides in
``RECIPES`` apply), create sessions on the server with cookie transfer, and send emails through
whatever email delivery the recipes have (``django_st_ssr.emails`` for Django's email backend).

What they tell a visitor about which accounts exist is what the SDK's own APIs tell: sign-up says
that an email is taken; sign-in says only "wrong email or password"; a password-reset request
always answers the same page.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from . import forms, redirects, refresh
from .appinfo import origin_of
from .conf import app_settings
from .decorators import ssr_session_required
from .mixins import SSRSessionRequiredMixin
from .throttle import Throttle

# SuperTokens' default tenant; a view serves one tenant (its ``tenant_id``).
DEFAULT_TENANT_ID = "public"
# Names of the URLs in django_st_ssr.auth_urls.
URL_NAMESPACE = "st_auth"

THROTTLED_MESSAGE = _("Too many attempts. Please wait a few minutes and try again.")


def auth_url(name: str) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}")


def emailed_url(request: HttpRequest, path: str) -> str:
    """``path`` on the website ``APP_INFO`` names, for a link in an email.

    Not on this request's Host header: whoever asks for a password reset picks that header, and
    a forged one would mail the victim a link carrying their token to another site.
    """
    app_info = app_settings.APP_INFO
    for key in ("website_domain", "origin"):
        origin = origin_of(app_info.get(key))
        if origin:
            return origin + path
    return request.build_absolute_uri(path)


def email_verification_enabled() -> bool:
    from supertokens_python.recipe.emailverification.recipe import EmailVerificationRecipe

    return EmailVerificationRecipe.get_instance_optional() is not None


class AuthViewMixin:
    """What every auth view shares: its tenant, the validated ``next``, the client address."""

    request: HttpRequest
    tenant_id: str = DEFAULT_TENANT_ID
    # The query/form field carrying the page to go to afterwards; None: LOGIN_REDIRECT_FIELD_NAME.
    redirect_field_name: str | None = None
    # Where to go afterwards when ``next`` is absent or unsafe (a URL, path or URL name).
    next_page: str | None = None

    def get_tenant_id(self) -> str:
        return self.tenant_id

    def get_redirect_field_name(self) -> str:
        return self.redirect_field_name or str(app_settings.LOGIN_REDIRECT_FIELD_NAME)

    def get_redirect_url(self) -> str:
        """``next`` from the form or the query string if it is safe to go to, else ""."""
        field = self.get_redirect_field_name()
        target = self.request.POST.get(field) or self.request.GET.get(field)
        return redirects.safe_target(self.request, target) or ""

    def get_default_redirect_url(self) -> str:
        return str(resolve_url(self.next_page or settings.LOGIN_REDIRECT_URL))

    def get_success_url(self) -> str:
        return self.get_redirect_url() or self.get_default_redirect_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            {
                "redirect_field_name": self.get_redirect_field_name(),
                "next": self.get_redirect_url(),
                "email_verification": email_verification_enabled(),
            }
        )
        return context

    def get_client_address(self) -> str:
        """The address the per-client throttle counts. Behind a proxy, override this (or set
        REMOTE_ADDR from a trusted X-Forwarded-For in a middleware): else every visitor shares
        the proxy's address."""
        return str(self.request.META.get("REMOTE_ADDR", ""))


class SessionStartMixin(AuthViewMixin):
    """Creates the session on the server: cookies on the redirect, browser state written."""

    def get_access_token_payload(self, user_id: str, email: str) -> dict[str, Any] | None:
        """Extra claims for the new session's access token (readable by the browser)."""
        return None

    def start_session(self, recipe_user_id: Any, email: str) -> HttpResponseBase:
        from supertokens_python.recipe.session.asyncio import create_new_session

        payload = self.get_access_token_payload(recipe_user_id.get_as_string(), email)
        session = async_to_sync(create_new_session)(
            self.request, self.get_tenant_id(), recipe_user_id, payload
        )
        # The middleware writes the cookies the SDK queued on the request for this session.
        response = HttpResponseRedirect(self.get_success_url())
        refresh.write_browser_state(self.request, response, session)
        return response


def _render_throttled(view: Any, form: Any) -> HttpResponse:
    form.add_error(None, THROTTLED_MESSAGE)
    return view.render_to_response(view.get_context_data(form=form), status=429)  # type: ignore[no-any-return]


_protected_form = [
    sensitive_post_parameters("password", "new_password1", "new_password2"),
    csrf_protect,
    never_cache,
]


@method_decorator(_protected_form, name="dispatch")
class SignInView(SessionStartMixin, FormView):  # type: ignore[type-arg]
    form_class = forms.SignInForm
    template_name = "django_st_ssr/auth/sign_in.html"
    wrong_credentials_message = _("Wrong email or password.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tenant_id": self.get_tenant_id()}

    def get_throttle(self, email: str) -> Throttle:
        return Throttle("sign_in", account=email, client=self.get_client_address())

    def form_valid(self, form: Any) -> HttpResponse:
        from supertokens_python.recipe.emailpassword.asyncio import sign_in
        from supertokens_python.recipe.emailpassword.interfaces import SignInOkResult

        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        throttle = self.get_throttle(email)
        if throttle.exceeded():
            return _render_throttled(self, form)
        result = async_to_sync(sign_in)(self.get_tenant_id(), email, password)
        if not isinstance(result, SignInOkResult):
            throttle.count()
            form.add_error(None, self.wrong_credentials_message)
            return self.form_invalid(form)
        throttle.forget_account()
        return self.start_session(result.recipe_user_id, email)  # type: ignore[return-value]


@method_decorator(_protected_form, name="dispatch")
class SignUpView(SessionStartMixin, FormView):  # type: ignore[type-arg]
    form_class = forms.SignUpForm
    template_name = "django_st_ssr/auth/sign_up.html"
    email_exists_message = _("An account with this email already exists.")
    # With the emailverification recipe on: email the new user a verification link at once.
    send_verification_email = True

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tenant_id": self.get_tenant_id()}

    def form_valid(self, form: Any) -> HttpResponse:
        from supertokens_python.recipe.emailpassword.asyncio import sign_up
        from supertokens_python.recipe.emailpassword.interfaces import SignUpOkResult

        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        result = async_to_sync(sign_up)(self.get_tenant_id(), email, password)
        if not isinstance(result, SignUpOkResult):
            form.add_error("email", self.email_exists_message)
            return self.form_invalid(form)
        if self.send_verification_email and email_verification_enabled():
            send_verification_email(
                self.request,
                self.get_tenant_id(),
                result.user.id,
                result.recipe_user_id,
                next_url=self.get_success_url(),
            )
        return self.start_session(result.recipe_user_id, email)  # type: ignore[return-value]


@method_decorator(never_cache, name="dispatch")
class SignOutView(AuthViewMixin, TemplateView):
    """GET: a page with the sign-out button; POST: revoke the session, clear its cookies.

    The POST works with an expired access token (``django_st_ssr.refresh.sign_out``).
    """

    template_name = "django_st_ssr/auth/sign_out.html"
    http_method_names = ("get", "post", "options")

    def get_default_redirect_url(self) -> str:
        return str(resolve_url(self.next_page or settings.LOGOUT_REDIRECT_URL or "/"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session"] = self.request.st_session  # type: ignore[attr-defined]
        return context

    # An expired access token goes through the refresh first, so the page knows the session.
    @method_decorator(ssr_session_required(session_required=False))
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    @method_decorator(csrf_protect)
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = HttpResponseRedirect(self.get_success_url())
        # Revokes the session its access token names, expired or not, and clears the cookies
        # and the browser-side state (the same sign-out as django_st_ssr.urls' sign_out view).
        refresh.sign_out(request, response)
        return response


# --- Password reset ---------------------------------------------------------------------------


@method_decorator(_protected_form, name="dispatch")
class PasswordResetView(AuthViewMixin, FormView):  # type: ignore[type-arg]
    """Asks for an email; sends a reset link if an account has it. The answer is the same
    whether or not one does."""

    form_class = forms.PasswordResetForm
    template_name = "django_st_ssr/auth/password_reset_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tenant_id": self.get_tenant_id()}

    def get_success_url(self) -> str:
        return auth_url("password_reset_done")

    def get_throttle(self, email: str) -> Throttle:
        return Throttle("password_reset", account=email, client=self.get_client_address())

    def get_reset_link(self, token: str) -> str:
        link = redirects.add_query(auth_url("password_reset_confirm"), token=token)
        return emailed_url(self.request, link)

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        throttle = self.get_throttle(email)
        if throttle.exceeded():
            return _render_throttled(self, form)
        throttle.count()
        async_to_sync(self.send_reset_email)(email)
        return HttpResponseRedirect(self.get_success_url())

    async def send_reset_email(self, email: str) -> None:
        from supertokens_python.asyncio import list_users_by_account_info
        from supertokens_python.recipe.emailpassword.asyncio import (
            create_reset_password_token,
            send_email,
        )
        from supertokens_python.recipe.emailpassword.interfaces import (
            CreateResetPasswordOkResult,
        )
        from supertokens_python.recipe.emailpassword.types import (
            PasswordResetEmailTemplateVars,
            PasswordResetEmailTemplateVarsUser,
        )
        from supertokens_python.types.base import AccountInfoInput

        tenant_id = self.get_tenant_id()
        users = await list_users_by_account_info(tenant_id, AccountInfoInput(email=email))
        for user in users:
            for method in user.login_methods:
                if method.recipe_id != "emailpassword" or not method.has_same_email_as(email):
                    continue
                token = await create_reset_password_token(tenant_id, user.id, email)
                if not isinstance(token, CreateResetPasswordOkResult):
                    continue
                assert method.email is not None
                await send_email(
                    PasswordResetEmailTemplateVars(
                        user=PasswordResetEmailTemplateVarsUser(
                            user.id, method.recipe_user_id, method.email
                        ),
                        password_reset_link=self.get_reset_link(token.token),
                        tenant_id=tenant_id,
                    )
                )
                return


class _TokenInURLMixin:
    """Pages whose URL holds a token: it never leaves this site in a Referer header.

    "same-origin", not "no-referrer": with no-referrer, browsers send ``Origin: null`` on the
    page's own form POST, and Django's CSRF check rightly refuses it.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        response["Referrer-Policy"] = "same-origin"
        return response


@method_decorator(never_cache, name="dispatch")
class PasswordResetDoneView(AuthViewMixin, TemplateView):
    template_name = "django_st_ssr/auth/password_reset_done.html"


@method_decorator(_protected_form, name="dispatch")
class PasswordResetConfirmView(_TokenInURLMixin, SessionStartMixin, FormView):  # type: ignore[type-arg]
    """The emailed link: choose a new password. Then sent to sign in, or signed in at once
    (``sign_in_after_reset``). The user's other sessions are revoked."""

    form_class = forms.SetPasswordForm
    template_name = "django_st_ssr/auth/password_reset_confirm.html"
    sign_in_after_reset = False
    revoke_sessions_after_reset = True
    invalid_token_message = _(
        "This password reset link is invalid or has expired. Please ask for a new one."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tenant_id": self.get_tenant_id()}

    def get_initial(self) -> dict[str, Any]:
        return {"token": self.request.GET.get("token", "")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["valid_link"] = bool(form["token"].value())
        context["password_reset_url"] = auth_url("password_reset")
        return context

    def get_success_url(self) -> str:
        if self.sign_in_after_reset:
            return super().get_success_url()
        return auth_url("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        from supertokens_python.recipe.emailpassword.asyncio import (
            consume_password_reset_token,
            update_email_or_password,
        )
        from supertokens_python.recipe.emailpassword.interfaces import (
            ConsumePasswordResetTokenOkResult,
            PasswordPolicyViolationError,
            UpdateEmailOrPasswordOkResult,
        )
        from supertokens_python.recipe.session.asyncio import revoke_all_sessions_for_user
        from supertokens_python.types import RecipeUserId

        tenant_id = self.get_tenant_id()
        password = form.cleaned_data["new_password1"]

        # The steps of the SDK's reset_password_using_token, kept apart to learn the user.
        async def reset() -> Any:
            consumed = await consume_password_reset_token(tenant_id, form.cleaned_data["token"])
            if not isinstance(consumed, ConsumePasswordResetTokenOkResult):
                return consumed
            recipe_user_id = RecipeUserId(consumed.user_id)
            result = await update_email_or_password(
                recipe_user_id,
                email=consumed.email,
                password=password,
                tenant_id_for_password_policy=tenant_id,
            )
            if isinstance(result, UpdateEmailOrPasswordOkResult) and (
                self.revoke_sessions_after_reset
            ):
                await revoke_all_sessions_for_user(consumed.user_id)
            return result, recipe_user_id, consumed.email

        outcome = async_to_sync(reset)()
        if not isinstance(outcome, tuple):
            form.add_error(None, self.invalid_token_message)
            return self.form_invalid(form)
        result, recipe_user_id, email = outcome
        if isinstance(result, PasswordPolicyViolationError):
            # The token is spent: say so, with the reason.
            form.add_error("new_password1", result.failure_reason)
            form.add_error(None, self.invalid_token_message)
            return self.form_invalid(form)
        if not isinstance(result, UpdateEmailOrPasswordOkResult):
            form.add_error(None, self.invalid_token_message)
            return self.form_invalid(form)
        if self.sign_in_after_reset:
            return self.start_session(recipe_user_id, email)  # type: ignore[return-value]
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(never_cache, name="dispatch")
class PasswordResetCompleteView(AuthViewMixin, TemplateView):
    template_name = "django_st_ssr/auth/password_reset_complete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_url"] = redirects.login_url()
        return context


# --- Email verification -----------------------------------------------------------------------


def _without_email_verification(global_validators: Any, _session: Any, _ctx: Any) -> list[Any]:
    # The verification page must open for the very sessions whose email claim fails.
    from supertokens_python.recipe.emailverification import EmailVerificationClaim

    return [v for v in global_validators if v.id != EmailVerificationClaim.key]


def verification_link(request: HttpRequest, token: str, next_url: str = "") -> str:
    params = {"token": token}
    if next_url:
        params[str(app_settings.LOGIN_REDIRECT_FIELD_NAME)] = next_url
    return request.build_absolute_uri(
        redirects.add_query(auth_url("verify_email_confirm"), **params)
    )


def send_verification_email(
    request: HttpRequest, tenant_id: str, user_id: str, recipe_user_id: Any, next_url: str = ""
) -> bool:
    """Email ``recipe_user_id`` a verification link; False when the email is already verified."""
    from supertokens_python.recipe.emailverification.asyncio import (
        create_email_verification_token,
        send_email,
    )
    from supertokens_python.recipe.emailverification.interfaces import (
        CreateEmailVerificationTokenOkResult,
    )
    from supertokens_python.recipe.emailverification.recipe import EmailVerificationRecipe
    from supertokens_python.recipe.emailverification.types import (
        VerificationEmailTemplateVars,
        VerificationEmailTemplateVarsUser,
    )

    async def send() -> bool:
        recipe = EmailVerificationRecipe.get_instance_or_throw()
        info = await recipe.get_email_for_recipe_user_id(None, recipe_user_id, {})
        email = getattr(info, "email", None)
        if email is None:  # no email to verify: the SDK counts that as verified
            return False
        token = await create_email_verification_token(tenant_id, recipe_user_id, email)
        if not isinstance(token, CreateEmailVerificationTokenOkResult):
            return False
        await send_email(
            VerificationEmailTemplateVars(
                user=VerificationEmailTemplateVarsUser(user_id, recipe_user_id, email),
                email_verify_link=verification_link(request, token.token, next_url),
                tenant_id=tenant_id,
            )
        )
        return True

    return bool(async_to_sync(send)())


@method_decorator([csrf_protect, never_cache], name="dispatch")
class VerifyEmailView(SSRSessionRequiredMixin, AuthViewMixin, TemplateView):
    """The page ``CLAIM_REDIRECTS`` sends an unverified session to (claim ``st-ev``).

    GET shows whether the email is verified (a read: pages may not change the access token).
    POST ``action=send`` emails a new link; POST ``action=continue`` (or any POST once the email
    is verified) puts the verified state into the access token and goes on to ``next``.
    """

    template_name = "django_st_ssr/auth/verify_email.html"
    http_method_names = ("get", "post", "options")
    override_global_claim_validators = staticmethod(_without_email_verification)

    def get_redirect_url(self) -> str:
        # The claim redirect names the page in REDIRECT_FIELD_NAME, a form in ``next``.
        for field in (self.get_redirect_field_name(), str(app_settings.REDIRECT_FIELD_NAME)):
            target = self.request.POST.get(field) or self.request.GET.get(field)
            safe = redirects.safe_target(self.request, target)
            if safe:
                return safe
        return ""

    def is_verified(self) -> bool:
        from supertokens_python.recipe.emailverification.asyncio import is_email_verified

        session = self.request.st_session  # type: ignore[attr-defined]
        return bool(async_to_sync(is_email_verified)(session.get_recipe_user_id()))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(verified=self.is_verified()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from supertokens_python.recipe.emailverification import EmailVerificationClaim

        session = request.st_session  # type: ignore[attr-defined]
        if request.POST.get("action") == "send" and send_verification_email(
            request,
            session.get_tenant_id(),
            session.get_user_id(),
            session.get_recipe_user_id(),
            next_url=self.get_redirect_url(),
        ):
            return self.render_to_response(self.get_context_data(sent=True))
        # Verified (or nothing to verify): the core's answer goes into the access token, so the
        # page that asked for a verified email opens; still unverified: this page again.
        async_to_sync(session.fetch_and_set_claim)(EmailVerificationClaim)
        if async_to_sync(session.get_claim_value)(EmailVerificationClaim):
            response: HttpResponseBase = HttpResponseRedirect(self.get_success_url())
        else:
            response = self.render_to_response(self.get_context_data(verified=False))
        refresh.write_browser_state(request, response, session)
        return response


@method_decorator([csrf_protect, never_cache], name="dispatch")
class VerifyEmailConfirmView(_TokenInURLMixin, AuthViewMixin, FormView):  # type: ignore[type-arg]
    """The emailed link: a button that verifies the email (a GET would let mail scanners that
    open links verify on the user's behalf), then on to ``next``."""

    form_class = forms.VerifyEmailForm
    template_name = "django_st_ssr/auth/verify_email_confirm.html"
    invalid_token_message = _(
        "This verification link is invalid or has expired. Sign in to get a new one."
    )

    def get_initial(self) -> dict[str, Any]:
        return {"token": self.request.GET.get("token", "")}

    def form_valid(self, form: Any) -> HttpResponse:
        from supertokens_python.recipe.emailverification import EmailVerificationClaim
        from supertokens_python.recipe.emailverification.asyncio import verify_email_using_token
        from supertokens_python.recipe.emailverification.interfaces import (
            VerifyEmailUsingTokenOkResult,
        )

        result = async_to_sync(verify_email_using_token)(
            self.get_tenant_id(), form.cleaned_data["token"]
        )
        if not isinstance(result, VerifyEmailUsingTokenOkResult):
            form.add_error(None, self.invalid_token_message)
            return self.form_invalid(form)
        response = HttpResponseRedirect(self.get_success_url())
        session = self.request.st_session  # type: ignore[attr-defined]
        if session:
            # The access token still says "unverified": update it now, not at the next refetch.
            async_to_sync(session.fetch_and_set_claim)(EmailVerificationClaim)
            refresh.write_browser_state(self.request, response, session)
        return response
