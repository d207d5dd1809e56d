"""``path("", include("django_st_ssr.auth_urls"))``: server-rendered sign-in, sign-up, sign-out,
password reset and email verification (names in the ``st_auth`` namespace).

Kept apart from ``django_st_ssr.urls``: a site with SuperTokens' prebuilt (React) UI does not
need them.
"""

from __future__ import annotations

from django.urls import path

from . import auth_views

app_name = auth_views.URL_NAMESPACE

urlpatterns = [
    path("signin/", auth_views.SignInView.as_view(), name="sign_in"),
    path("signup/", auth_views.SignUpView.as_view(), name="sign_up"),
    path("signout/", auth_views.SignOutView.as_view(), name="sign_out"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/confirm/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("verify-email/", auth_views.VerifyEmailView.as_view(), name="verify_email"),
    path(
        "verify-email/confirm/",
        auth_views.VerifyEmailConfirmView.as_view(),
        name="verify_email_confirm",
    ),
]
