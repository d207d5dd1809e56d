"""Views the app tests drive: every way of protecting a page, sync and async."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from supertokens_python.recipe.session.claims import BooleanClaim

from django_st_ssr import SSRSessionRequiredMixin, ssr_session_required
from django_st_ssr.decorators import SessionPolicy


def _no_admin_flag(*_args: Any) -> None:
    return None


# A custom claim: present in the payload as {"st-ssr-admin": {"v": true, "t": <ms>}}.
IsAdmin = BooleanClaim("st-ssr-admin", fetch_value=_no_admin_flag)


def _admin_validators(globals_: list[Any], _session: Any, _user_context: Any) -> list[Any]:
    return [*globals_, IsAdmin.validators.is_true(None)]


def _verified_email(globals_: list[Any], _session: Any, _user_context: Any) -> list[Any]:
    from supertokens_python.recipe.emailverification import EmailVerificationClaim

    return [*globals_, EmailVerificationClaim.validators.is_verified()]


def _who(request: HttpRequest) -> HttpResponse:
    session = request.st_session  # type: ignore[attr-defined]
    return HttpResponse(f"user:{session.get_user_id()}" if session else "anonymous")


def home(request: HttpRequest) -> HttpResponse:
    """Unprotected: the middleware's lazy st_session."""
    return _who(request)


async def ahome(request: HttpRequest) -> HttpResponse:
    session = await request.ast_session()  # type: ignore[attr-defined]
    return HttpResponse(f"user:{session.get_user_id()}" if session else "anonymous")


@ssr_session_required
def protected(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required
async def aprotected(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(session_required=False)
def optional(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(session_required=False)
async def aoptional(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(check_database=True)
def database(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(check_database=True)
async def adatabase(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(override_global_claim_validators=_admin_validators)
def admin(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(override_global_claim_validators=_admin_validators)
async def aadmin(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(override_global_claim_validators=[])
def no_claims(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(refresh_url="/elsewhere/refresh/", login_url="/elsewhere/login/")
def custom_urls(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(redirect_field_name="back")
def custom_field(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required
def form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse(f"posted:{request.POST.get('name')}:{request.st_session.get_user_id()}")  # type: ignore[attr-defined]
    return _who(request)


@csrf_exempt
@ssr_session_required
def exempt_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"posted:{request.st_session.get_user_id()}")  # type: ignore[attr-defined]


@ssr_session_required
def write_payload(request: HttpRequest) -> HttpResponse:
    """Changes the access-token payload: refused on GET, allowed on POST."""
    request.st_session.sync_merge_into_access_token_payload({"theme": "dark"})  # type: ignore[attr-defined]
    return HttpResponse("written")


@ssr_session_required
async def awrite_payload(request: HttpRequest) -> HttpResponse:
    await request.st_session.merge_into_access_token_payload({"theme": "dark"})  # type: ignore[attr-defined]
    return HttpResponse("written")


class ProtectedView(SSRSessionRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _who(request)


class AsyncProtectedView(SSRSessionRequiredMixin, View):
    async def get(self, request: HttpRequest) -> HttpResponse:
        return _who(request)


class OptionalView(SSRSessionRequiredMixin, View):
    session_required = False

    def get(self, request: HttpRequest) -> HttpResponse:
        return _who(request)


class AdminView(SSRSessionRequiredMixin, View):
    override_global_claim_validators = staticmethod(_admin_validators)

    def get(self, request: HttpRequest) -> HttpResponse:
        return _who(request)


def login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login page")


async def athread(request: HttpRequest) -> HttpResponse:
    """Reports the thread it runs on: under ASGI it must be the event loop's own thread."""
    import threading

    return HttpResponse(str(threading.get_ident()))


@csrf_exempt
def site_page(request: HttpRequest) -> HttpResponse:
    """A page of the site whose path shares a prefix with, or lives under, the API base path."""
    return HttpResponse(f"site:{request.method}:{request.path}")


def session_kinds(request: HttpRequest) -> HttpResponse:
    """Unprotected: what request.st_session is, and whether it stays the same object."""
    session = request.st_session  # type: ignore[attr-defined]
    kept = request.st_session is session  # type: ignore[attr-defined]
    stored = vars(request).get("supertokens", False) is session
    return HttpResponse(f"{type(session).__name__} {kept} {stored} {request!r}")


def untouched(request: HttpRequest) -> HttpResponse:
    """Never looks at request.st_session."""
    return HttpResponse("untouched")


@ssr_session_required(session_required=False)
def optional_is_none(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.st_session is None))  # type: ignore[attr-defined]


class PerRequestPolicyView(SSRSessionRequiredMixin, TemplateView):
    """Optional for ?public=1, required otherwise; a generic view with a template."""

    template_name = "django_st_ssr/base.html"

    def get_session_policy(self) -> SessionPolicy:
        policy = super().get_session_policy()
        if self.request.GET.get("public"):
            return dataclasses.replace(policy, session_required=False)
        return policy


# Pages guarded by the claims of the README's recipes (tests/app/test_claims.py initialises them).
def _needs_role(globals_: list[Any], _session: Any, _user_context: Any) -> list[Any]:
    from supertokens_python.recipe.userroles import UserRoleClaim

    return [*globals_, UserRoleClaim.validators.includes("editor")]


def _needs_permission(globals_: list[Any], _session: Any, _user_context: Any) -> list[Any]:
    from supertokens_python.recipe.userroles import PermissionClaim

    return [*globals_, PermissionClaim.validators.includes("articles:write")]


@ssr_session_required(override_global_claim_validators=_needs_role)
def editors(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(override_global_claim_validators=_needs_permission)
async def writers(request: HttpRequest) -> HttpResponse:
    return _who(request)


def verify_email(request: HttpRequest) -> HttpResponse:
    """The CLAIM_REDIRECTS target of the email-verification tests."""
    return HttpResponse("please verify your email")


@ssr_session_required(override_global_claim_validators=_verified_email)
def verified_only(request: HttpRequest) -> HttpResponse:
    """Needs a verified email (CLAIM_REDIRECTS sends a navigation to the verification page)."""
    return _who(request)
