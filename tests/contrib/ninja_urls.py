"""Django Ninja operations protected by contrib.ninja (tests/contrib/test_ninja.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

from django_st_ssr.contrib.ninja import SuperTokensAuth, handle_rejections


def _admin_validators(globals_: list[Any], _session: Any, _user_context: Any) -> list[Any]:
    from tests.app.views import IsAdmin

    return [*globals_, IsAdmin.validators.is_true(None)]


api = NinjaAPI(auth=SuperTokensAuth(), urls_namespace="ninja-tests")
handle_rejections(api)


def _who(request: HttpRequest) -> dict[str, Any]:
    return {
        "user": str(request.user.pk),
        "authenticated": request.user.is_authenticated,
        "handle": request.auth.get_handle(),  # type: ignore[attr-defined]
    }


@api.get("/me")
def me(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.get("/ame")
async def ame(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.post("/promote")
def promote(request: HttpRequest) -> dict[str, Any]:
    session = request.auth  # type: ignore[attr-defined]
    session.sync_merge_into_access_token_payload({"plan": "pro"})
    return {"plan": session.get_access_token_payload()["plan"]}


@api.get("/admin", auth=SuperTokensAuth(override_global_claim_validators=_admin_validators))
def admin(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


# Roles and permissions of these tests' own (a real core's roles are app-wide).
EDITOR = "st-ssr-ninja-editor"
WRITE = "st-ssr-ninja:write"


@api.get("/verified", auth=SuperTokensAuth(email_verified=True))
def verified(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.get("/editors", auth=SuperTokensAuth(roles=[EDITOR]))
def editors(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.get("/writers", auth=SuperTokensAuth(permissions=[WRITE]))
def writers(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.get("/verified-editors", auth=SuperTokensAuth(email_verified=True, roles=[EDITOR]))
async def verified_editors(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@api.get("/public", auth=None)
def public(request: HttpRequest) -> dict[str, Any]:
    return {"ok": True}


urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("api/", api.urls),
]
