"""The example's URLs plus ``/api/whoami/``, a DRF view the browsable API renders."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


@api_view(["GET"])
def whoami(request: Request) -> Response:
    return Response({"user": request.auth.get_user_id()})


urlpatterns = [
    path("api/whoami/", whoami),
    path("", include("example_project.urls")),
]
