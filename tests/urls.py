"""URLconf of the test suite (tests/app/views.py)."""

from __future__ import annotations

from django.urls import include, path

from tests.app import views

urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("account/", include("django_st_ssr.auth_urls")),
    path("", views.home, name="home"),
    path("ahome/", views.ahome),
    path("login/", views.login, name="login"),
    path("protected/", views.protected, name="protected"),
    path("verified-only/", views.verified_only),
    path("aprotected/", views.aprotected),
    path("optional/", views.optional),
    path("aoptional/", views.aoptional),
    path("database/", views.database),
    path("adatabase/", views.adatabase),
    path("admin-only/", views.admin),
    path("aadmin-only/", views.aadmin),
    path("no-claims/", views.no_claims),
    path("custom-urls/", views.custom_urls),
    path("custom-field/", views.custom_field),
    path("form/", views.form),
    path("exempt-form/", views.exempt_form),
    path("write/", views.write_payload),
    path("awrite/", views.awrite_payload),
    path("athread/", views.athread),
    path("untouched/", views.untouched),
    path("session-kinds/", views.session_kinds),
    path("authors/", views.site_page),
    path("auth/site-page/", views.site_page),
    path("optional-is-none/", views.optional_is_none),
    path("cbv-policy/", views.PerRequestPolicyView.as_view()),
    path("cbv/", views.ProtectedView.as_view()),
    path("acbv/", views.AsyncProtectedView.as_view()),
    path("cbv-optional/", views.OptionalView.as_view()),
    path("cbv-admin/", views.AdminView.as_view()),
    path("editors/", views.editors),
    path("writers/", views.writers),
    path("verify-email/", views.verify_email, name="verify-email"),
]
