"""URLconf of the security tests (``pytest.mark.urls("tests.security.urls")``).

The pages are the app tests' views (each way a page can ask for a session, sync and async),
under the short paths the attack corpus uses.
"""

from __future__ import annotations

from django.urls import include, path

from tests.app import views

urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("", views.home),
    path("ahome/", views.ahome),
    path("login/", views.login),
    path("page/", views.protected),
    path("apage/", views.aprotected),
    path("optional/", views.optional),
    path("database/", views.database),
    path("adatabase/", views.adatabase),
]
