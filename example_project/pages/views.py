"""The example's pages behind a session; sign-in, sign-up and the rest are django_st_ssr's views."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from django_st_ssr import auth_views, ssr_session_required

from .models import Order


def _session_details(session: Any) -> dict[str, Any]:
    payload = session.get_access_token_payload()
    expires = datetime.fromtimestamp(payload["exp"], tz=timezone.utc)
    return {
        "user_id": session.get_user_id(),
        "email": payload.get("email", ""),
        # The emailverification recipe's claim, as the access token carries it.
        "email_verified": bool((payload.get("st-ev") or {}).get("v")),
        "handle": session.get_handle(),
        "expires": expires,
        "expires_in": max(0, round((expires - datetime.now(timezone.utc)).total_seconds())),
    }


class EmailInAccessToken:
    """The email rides in the access token so that pages greet the user without asking the core."""

    def get_access_token_payload(self, user_id: str, email: str) -> dict[str, Any] | None:
        return {"email": email}


class SignInView(EmailInAccessToken, auth_views.SignInView):
    pass


class SignUpView(EmailInAccessToken, auth_views.SignUpView):
    pass


@ssr_session_required(session_required=False)
def home(request: HttpRequest) -> HttpResponse:
    # Optional session: anonymous visitors get the page with st_session None, while an expired
    # access token still goes through the refresh page, so a returning user is greeted by name.
    session = request.st_session  # type: ignore[attr-defined]
    context = {"details": _session_details(session) if session else None}
    return render(request, "pages/home.html", context)


@ssr_session_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"details": _session_details(request.st_session), "tab": request.GET.get("tab", "")}  # type: ignore[attr-defined]
    return render(request, "pages/dashboard.html", context)


def _verified_email(global_validators: list[Any], _session: Any, _ctx: Any) -> list[Any]:
    from supertokens_python.recipe.emailverification import EmailVerificationClaim

    return [*global_validators, EmailVerificationClaim.validators.is_verified()]


@ssr_session_required(override_global_claim_validators=_verified_email)
def members(request: HttpRequest) -> HttpResponse:
    # Needs a verified email: CLAIM_REDIRECTS sends anyone else to the verification page.
    return render(request, "pages/members.html", {"details": _session_details(request.st_session)})  # type: ignore[attr-defined]


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


@require_http_methods(["GET", "POST"])
@ssr_session_required
def orders_widget(request: HttpRequest) -> HttpResponse:
    # The dashboard's htmx widget: a fragment, loaded and replaced by htmx. With the frontend SDK
    # on the page ({% st_ssr_frontend %}), an expired session is refreshed and the call replayed,
    # the posted item included; without it, the whole page goes through the refresh instead.
    added = None
    if request.method == "POST":
        added = request.POST.get("item", "").strip()[:100] or None
        if added:
            Order.objects.create(owner=request.user, item=added)
    context = {"orders": Order.objects.filter(owner=request.user)[:5], "added": added}  # type: ignore[misc]
    response = render(request, "pages/_orders_widget.html", context)
    if added:
        # htmx fires this event on the page: dashboard.js fetches the REST API again.
        response["HX-Trigger"] = "orders-changed"
    return response


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
