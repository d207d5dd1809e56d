from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("user/", views.user_page),
    path("auser/", views.auser_page),
]
