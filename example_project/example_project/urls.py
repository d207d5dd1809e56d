from django.contrib import admin
from django.urls import include, path

from django_st_ssr.auth import admin_login

urlpatterns = [
    # The refresh page the decorator sends expired sessions to: /refresh-session/.
    path("", include("django_st_ssr.urls")),
    # The admin's login page sends visitors to the site's sign-in (and back); staff only.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("pages.urls")),
]
