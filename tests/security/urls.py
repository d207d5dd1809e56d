"""URLconf of the security tests (``pytest.mark.urls("tests.security.urls")``)."""

from __future__ import annotations

from django.urls import include, path

from tests.security import views

urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("", views.home),
    path("ahome/", views.ahome),
    path("login/", views.login),
    path("page/", views.page),
    path("apage/", views.apage),
    path("optional/", views.optional),
    path("database/", views.database),
    path("adatabase/", views.adatabase),
]
