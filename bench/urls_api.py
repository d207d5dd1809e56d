from __future__ import annotations

from django.urls import path

from . import views_api

urlpatterns = [
    path("drf/", views_api.drf_me),
    path("drf-open/", views_api.drf_open),
    path("sdk-drf/", views_api.sdk_drf_me),
    path("ninja/", views_api.ninja_api.urls),
    path("sdk-ninja/", views_api.sdk_ninja_api.urls),
]
