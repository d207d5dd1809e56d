from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.reports, name="reports"),
    path("notes/", views.notes, name="notes"),
    path("orders/", views.orders, name="orders"),
    path("orders/all/", views.all_orders, name="all_orders"),
]
