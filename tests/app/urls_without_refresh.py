"""A URLconf that forgot ``include("django_st_ssr.urls")`` (system check E009)."""

from __future__ import annotations

from django.urls import path

from tests.app import views

urlpatterns = [path("login/", views.login, name="login")]
