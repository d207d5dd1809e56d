"""The API endpoints measured: one small JSON answer, behind our authentication or the SDK's.

Kept apart from bench/views.py so that the page variants never import DRF or Ninja.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from supertokens_python.recipe.session.framework.django.asyncio import (
    verify_session as averify_session,
)
from supertokens_python.recipe.session.framework.django.syncio import verify_session
from supertokens_python.recipe.session.interfaces import SessionContainer

from django_st_ssr.contrib.drf import SuperTokensAuthentication
from django_st_ssr.contrib.ninja import SuperTokensAuth, handle_rejections


def me(session: SessionContainer) -> dict[str, Any]:
    return {"user": session.get_user_id()}


# Django REST framework: the same view, authenticated by us...
@api_view(["GET"])
@authentication_classes([SuperTokensAuthentication])
@permission_classes([IsAuthenticated])
def drf_me(request: Request) -> Response:
    return Response(me(request.auth))


# ...or by nobody (what DRF itself costs)...
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def drf_open(request: Request) -> Response:
    return Response({"user": None})


# ...or by the SDK's verify_session inside DRF, as supertokens-python's own DRF tests do (no
# DRF authentication or permission classes then: verify_session has decided).
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@verify_session()
def sdk_drf_me(request: Request) -> Response:
    return Response(me(request.supertokens))


# Django Ninja: the same operations, authenticated by us...
ninja_api = NinjaAPI(auth=SuperTokensAuth(), urls_namespace="bench-ours")
handle_rejections(ninja_api)


@ninja_api.get("/me")
def ninja_me(request: HttpRequest) -> dict[str, Any]:
    return me(request.auth)  # type: ignore[attr-defined]


@ninja_api.get("/ame")
async def ninja_ame(request: HttpRequest) -> dict[str, Any]:
    return me(request.auth)  # type: ignore[attr-defined]


# ...or by the SDK's verify_session on each operation.
sdk_ninja_api = NinjaAPI(urls_namespace="bench-sdk")


@sdk_ninja_api.get("/me")
@verify_session()
def sdk_ninja_me(request: HttpRequest) -> dict[str, Any]:
    return me(request.supertokens)  # type: ignore[attr-defined]


@sdk_ninja_api.get("/ame")
@averify_session()
async def sdk_ninja_ame(request: HttpRequest) -> dict[str, Any]:
    return me(request.supertokens)  # type: ignore[attr-defined]
