"""URLconf of tests/auth: the test app's pages plus Django-auth-protected ones and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from django_st_ssr.auth import admin_login
from tests.auth import views
from tests.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("whoami/", views.whoami),
    path("awhoami/", views.awhoami),
    path("members/", views.members),
    path("amembers/", views.amembers),
    path("reports/", views.reports),
    path("reports-403/", views.reports_or_403),
    path("staff/", views.staff_only),
    path("perms/", views.template_perms),
    path("cbv-members/", views.MembersView.as_view()),
    path("cbv-reports/", views.ReportsView.as_view()),
    path("session-start/", views.session_start),
    path("session-end/", views.session_end),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    *app_urlpatterns,
]
