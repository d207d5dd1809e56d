"""The views measured; each answers a few bytes so the handler dominates the cost."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from supertokens_python.recipe.session.asyncio import get_session as aget_session
from supertokens_python.recipe.session.framework.django.asyncio import (
    verify_session as averify_session,
)
from supertokens_python.recipe.session.framework.django.syncio import verify_session
from supertokens_python.recipe.session.syncio import get_session

from django_st_ssr import ssr_session_required


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


async def abare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@ssr_session_required
def protected(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.st_session.get_user_id())  # type: ignore[attr-defined]


@ssr_session_required
async def aprotected(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.st_session.get_user_id())  # type: ignore[attr-defined]


@verify_session()
def sdk_protected(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.supertokens.get_user_id())  # type: ignore[attr-defined]


@averify_session()
async def asdk_protected(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.supertokens.get_user_id())  # type: ignore[attr-defined]


def seed(request: HttpRequest) -> HttpResponse:
    session = get_session(request)
    assert session is not None
    return HttpResponse(session.get_user_id())


async def aseed(request: HttpRequest) -> HttpResponse:
    session = await aget_session(request)
    assert session is not None
    return HttpResponse(session.get_user_id())


@login_required
def user_page(request: HttpRequest) -> HttpResponse:
    # The username of a SuperTokensBackend user is the SuperTokens user id.
    return HttpResponse(request.user.get_username())


@login_required
async def auser_page(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    return HttpResponse(user.get_username())
