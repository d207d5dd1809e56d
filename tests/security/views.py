"""Pages the security tests attack: each way a page can ask for a session, sync and async."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from django_st_ssr import ssr_session_required


def _who(request: HttpRequest) -> HttpResponse:
    session = request.st_session  # type: ignore[attr-defined]
    return HttpResponse(f"user:{session.get_user_id()}" if session else "anonymous")


def home(request: HttpRequest) -> HttpResponse:
    return _who(request)


async def ahome(request: HttpRequest) -> HttpResponse:
    session = await request.ast_session()  # type: ignore[attr-defined]
    return HttpResponse(f"user:{session.get_user_id()}" if session else "anonymous")


@ssr_session_required
def page(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required
async def apage(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(session_required=False)
def optional(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(check_database=True)
def database(request: HttpRequest) -> HttpResponse:
    return _who(request)


@ssr_session_required(check_database=True)
async def adatabase(request: HttpRequest) -> HttpResponse:
    return _who(request)


def login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login page")
