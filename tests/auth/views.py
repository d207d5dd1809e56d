"""Views protected by Django's own auth tools, reading request.user (tests/auth)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required, user_passes_test
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views import View

PERM = "auth_tests.view_report"


def _describe(user: object) -> HttpResponse:
    return HttpResponse(f"user:{user}")


def whoami(request: HttpRequest) -> HttpResponse:
    user = request.user
    kind = "authenticated" if user.is_authenticated else "anonymous"
    return HttpResponse(f"{kind}:{user.get_username()}:staff={user.is_staff}")


async def awhoami(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    kind = "authenticated" if user.is_authenticated else "anonymous"
    return HttpResponse(f"{kind}:{user.get_username()}")


@login_required
def members(request: HttpRequest) -> HttpResponse:
    return _describe(request.user)


@login_required
async def amembers(request: HttpRequest) -> HttpResponse:
    return _describe(await request.auser())


@permission_required(PERM)
def reports(request: HttpRequest) -> HttpResponse:
    return _describe(request.user)


@permission_required(PERM, raise_exception=True)
def reports_or_403(request: HttpRequest) -> HttpResponse:
    return _describe(request.user)


@user_passes_test(lambda user: user.is_staff)
def staff_only(request: HttpRequest) -> HttpResponse:
    return _describe(request.user)


_PERMS = engines["django"].from_string(
    "{% if perms.auth_tests %}module{% endif %}|"
    "{% if perms.auth_tests.view_report %}report{% endif %}|{{ user.get_username }}"
)


def template_perms(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PERMS.render({}, request))


class MembersView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _describe(request.user)


class ReportsView(PermissionRequiredMixin, View):
    permission_required = PERM

    def get(self, request: HttpRequest) -> HttpResponse:
        return _describe(request.user)


def session_start(request: HttpRequest) -> HttpResponse:
    """Sign-in done by a Django view (a form), not by the SDK's API."""
    from supertokens_python.recipe.session.syncio import create_new_session
    from supertokens_python.types import RecipeUserId

    create_new_session(request, "public", RecipeUserId(request.POST["user_id"]))
    return HttpResponse("signed in")


def session_end(request: HttpRequest) -> HttpResponse:
    session = request.st_session  # type: ignore[attr-defined]
    if session:
        session.sync_revoke_session()
    return HttpResponse("signed out")
