from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("bare/", views.bare),
    path("abare/", views.abare),
    path("protected/", views.sdk_protected),
    path("aprotected/", views.asdk_protected),
    path("seed/", views.seed),
    path("aseed/", views.aseed),
]
