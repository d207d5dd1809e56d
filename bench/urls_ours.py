from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("bare/", views.bare),
    path("abare/", views.abare),
    path("protected/", views.protected),
    path("aprotected/", views.aprotected),
]
