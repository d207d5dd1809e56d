"""``path("", include("django_st_ssr.urls"))`` serves the refresh page and sign-out."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "django_st_ssr"

urlpatterns = [
    path("refresh-session/", views.refresh_session, name="refresh_session"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
