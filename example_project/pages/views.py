"""The example's pages: sign-up and sign-in as plain Django forms, and pages behind a session."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from supertokens_python.recipe.emailpassword.interfaces import (
    EmailAlreadyExistsError,
    WrongCredentialsError,
)
from supertokens_python.recipe.emailpassword.syncio import sign_in, sign_up
from supertokens_python.recipe.session.syncio import create_new_session

from django_st_ssr import ssr_session_required
from django_st_ssr.refresh import write_browser_state
from django_st_ssr.views import sign_out

from .forms import CredentialsForm, SignUpForm
from .models import Order

# A single-tenant app: SuperTokens' default tenant.
TENANT_ID = "public"


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: ``next`` if it stays on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard")


def _session_details(session: Any) -> dict[str, Any]:
    payload = session.get_access_token_payload()
    expires = datetime.fromtimestamp(payload["exp"], tz=timezone.utc)
    return {
        "user_id": session.get_user_id(),
        "email": payload.get("email", ""),
        "handle": session.get_handle(),
        "expires": expires,
        "expires_in": max(0, round((expires - datetime.now(timezone.utc)).total_seconds())),
    }


def _start_session(request: HttpRequest, recipe_user_id: Any, email: str) -> HttpResponse:
    # The email rides in the access token so that pages can greet the user without asking
    # the core. The middleware writes the new session's cookies onto this redirect.
    session = create_new_session(
        request, TENANT_ID, recipe_user_id, access_token_payload={"email": email}
    )
    response = HttpResponseRedirect(_next_url(request))
    # No script reads this redirect: tell supertokens-web-js (should a page load it) that the
    # browser is signed in, as its own fetch would have recorded from the front-token header.
    write_browser_state(request, response, session)
    return response


@ssr_session_required(session_required=False)
def home(request: HttpRequest) -> HttpResponse:
    # Optional session: anonymous visitors get the page with st_session None, while an expired
    # access token still goes through the refresh page, so a returning user is greeted by name.
    session = request.st_session  # type: ignore[attr-defined]
    context = {"details": _session_details(session) if session else None}
    return render(request, "pages/home.html", context)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        result = sign_up(TENANT_ID, email, password)
        if isinstance(result, EmailAlreadyExistsError):
            form.add_error("email", "An account with this email already exists.")
        else:
            return _start_session(request, result.recipe_user_id, email)
    return render(request, "pages/signup.html", {"form": form, "next": _next_param(request)})


def signin(request: HttpRequest) -> HttpResponse:
    form = CredentialsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        result = sign_in(TENANT_ID, email, password)
        if isinstance(result, WrongCredentialsError):
            form.add_error(None, "Wrong email or password.")
        else:
            return _start_session(request, result.recipe_user_id, email)
    return render(request, "pages/signin.html", {"form": form, "next": _next_param(request)})


def _next_param(request: HttpRequest) -> str:
    # Carried through the form as a hidden field; checked again when it is used.
    return request.POST.get("next") or request.GET.get("next", "")


@require_http_methods(["GET", "POST"])
def signout(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _confirm_signout(request)
    # The app's sign-out view: revokes the session even when the access token has expired,
    # and clears the cookies and supertokens-web-js's state. (The forms post to it directly.)
    return sign_out(request)


@ssr_session_required
def _confirm_signout(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/signout.html", {"details": _session_details(request.st_session)})  # type: ignore[attr-defined]


@ssr_session_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"details": _session_details(request.st_session), "tab": request.GET.get("tab", "")}  # type: ignore[attr-defined]
    return render(request, "pages/dashboard.html", context)


@ssr_session_required
async def reports(request: HttpRequest) -> HttpResponse:
    # An async view: the decorator verifies the session without blocking the event loop.
    context = {
        "details": _session_details(request.st_session),  # type: ignore[attr-defined]
        "year": request.GET.get("year", ""),
    }
    return render(request, "pages/reports.html", context)


@ssr_session_required
def notes(request: HttpRequest) -> HttpResponse:
    # A plain Django form behind a session: submitted after the access token expired, it is
    # relayed through the refresh (or re-sent by the refresh page) and still arrives here.
    saved = request.POST.get("note", "") if request.method == "POST" else None
    context = {"details": _session_details(request.st_session), "saved": saved}  # type: ignore[attr-defined]
    return render(request, "pages/notes.html", context)


# -- Django's own auth on the SuperTokens session (README "Django auth") -----------------------


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    # request.user is the Django row of the SuperTokens user: models can point at it.
    if request.method == "POST":
        item = request.POST.get("item", "").strip()[:100]
        if item:
            Order.objects.create(owner=request.user, item=item)
        return HttpResponseRedirect(reverse("orders"))
    context = {"orders": Order.objects.filter(owner=request.user)}  # type: ignore[misc]
    return render(request, "pages/orders.html", context)


@permission_required("pages.view_all_orders", raise_exception=True)
def all_orders(request: HttpRequest) -> HttpResponse:
    # Staff only: the permission comes with the SuperTokens role "staff" (settings.EXAMPLE_ROLES).
    context = {"orders": Order.objects.select_related("owner")}
    return render(request, "pages/all_orders.html", context)
