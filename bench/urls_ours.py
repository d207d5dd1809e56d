from __future__ import annotations

from django.urls import include, path

from . import views

urlpatterns = [
    path("bare/", views.bare),
    path("abare/", views.abare),
    path("protected/", views.protected),
    path("aprotected/", views.aprotected),
    # The refresh page, where failed verifications of page navigations are sent.
    path("session/", include("django_st_ssr.urls")),
]
