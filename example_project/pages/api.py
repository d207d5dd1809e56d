"""The example's JSON APIs on the SuperTokens session: Django REST framework and Django Ninja.

Both answer an expired access token with the 401 supertokens-web-js refreshes on, so the
dashboard's fetch() calls (web-js on the page through {% st_ssr_frontend %}) survive expiry.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from django_st_ssr.contrib.ninja import SuperTokensAuth, handle_rejections

from .models import Order


# Django REST framework: SuperTokensAuthentication and IsAuthenticated come from
# settings.REST_FRAMEWORK. request.user is the session's Django user (SuperTokensBackend).
@api_view(["GET"])
def orders(request: Request) -> Response:
    items = Order.objects.filter(owner=request.user).values_list("item", flat=True)
    return Response({"count": items.count(), "latest": list(items[:3])})


# Django Ninja: every operation of this API needs a session; request.auth is the SDK's session.
# No docs page: Ninja's Swagger UI loads scripts from a CDN, which the example's CSP refuses.
ninja_api = NinjaAPI(auth=SuperTokensAuth(), urls_namespace="example_ninja", docs_url=None)
handle_rejections(ninja_api)


@ninja_api.get("/session")
def session(request: HttpRequest) -> dict[str, Any]:
    st_session = request.auth  # type: ignore[attr-defined]
    payload = st_session.get_access_token_payload()
    return {"user_id": st_session.get_user_id(), "email": payload.get("email", "")}
