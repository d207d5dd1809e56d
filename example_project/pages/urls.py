from django.urls import include, path

from . import api, views

urlpatterns = [
    path("", views.home, name="home"),
    # django_st_ssr's sign-in and sign-up views, subclassed to put the email in the access token;
    # listed first, so they answer /signin/ and /signup/ instead of the included originals.
    path("signin/", views.SignInView.as_view()),
    path("signup/", views.SignUpView.as_view()),
    # Sign-out, password reset and email verification, as the app ships them.
    path("", include("django_st_ssr.auth_urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.reports, name="reports"),
    path("members/", views.members, name="members"),
    path("notes/", views.notes, name="notes"),
    path("orders/", views.orders, name="orders"),
    path("orders/all/", views.all_orders, name="all_orders"),
    # The dashboard's htmx widget and the JSON APIs its script fetches.
    path("dashboard/orders-widget/", views.orders_widget, name="orders_widget"),
    path("api/orders/", api.orders, name="api_orders"),
    path("api/ninja/", api.ninja_api.urls),
]
