"""DRF views protected by django_st_ssr.contrib.drf (tests/contrib/test_drf.py)."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    renderer_classes,
)
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.renderers import StaticHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from django_st_ssr.contrib.drf import (
    EmailVerified,
    HasPermission,
    HasRole,
    SuperTokensAuthentication,
)

AUTH = [SuperTokensAuthentication]


def _who(request: Request) -> dict[str, Any]:
    return {
        "user": str(request.user.pk),
        "authenticated": request.user.is_authenticated,
        "handle": request.auth.get_handle(),
        "kind": type(request.user).__name__,
    }


@api_view(["GET", "POST"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    return Response(_who(request))


@api_view(["GET"])
@authentication_classes(AUTH)
def public(request: Request) -> Response:
    return Response({"authenticated": request.user.is_authenticated})


@api_view(["POST"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated])
def promote(request: Request) -> Response:
    # A token change inside the DRF view: the browser must get the new token.
    request.auth.sync_merge_into_access_token_payload({"plan": "pro"})
    return Response({"plan": request.auth.get_access_token_payload()["plan"]})


@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated, HasRole.named("editor")])
def editors(request: Request) -> Response:
    return Response(_who(request))


@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated, HasPermission.named("articles:write")])
def writers(request: Request) -> Response:
    return Response(_who(request))


@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated, EmailVerified])
def verified(request: Request) -> Response:
    return Response(_who(request))


class ReadOnly(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS


@api_view(["GET", "POST"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated, ReadOnly | HasRole.named("editor")])
def notes(request: Request) -> Response:
    # Everyone signed in reads; editors write. The browsable API asks the permissions again
    # to decide whether to show the POST form.
    return Response(_who(request))


@api_view(["GET"])
@authentication_classes(AUTH)
@permission_classes([IsAuthenticated])
@renderer_classes([StaticHTMLRenderer])
def widget(request: Request) -> Response:
    # An HTML fragment an htmx page loads.
    return Response(f"<p>{request.user.pk}</p>")


class DatabaseAuthentication(SuperTokensAuthentication):
    check_database = True


@api_view(["GET"])
@authentication_classes([DatabaseAuthentication])
@permission_classes([IsAuthenticated])
def database(request: Request) -> Response:
    return Response(_who(request))


urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("api/me/", me),
    path("api/public/", public),
    path("api/promote/", promote),
    path("api/editors/", editors),
    path("api/writers/", writers),
    path("api/verified/", verified),
    path("api/database/", database),
    path("api/notes/", notes),
    path("api/widget/", widget),
]
