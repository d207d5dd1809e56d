from django.contrib import admin
from django.urls import include, path

from django_st_ssr.auth import admin_login
from django_st_ssr.views import refresh_session

# Of django_st_ssr.urls, only the refresh page the decorator sends expired sessions to
# (/refresh-session/, named django_st_ssr:refresh_session): its sign-out/ would be a second URL
# for the sign-out that django_st_ssr.auth_urls serves at /signout/ (pages/urls.py), the one
# this site's "Sign out" button posts to.
refresh_urls = (
    [path("refresh-session/", refresh_session, name="refresh_session")],
    "django_st_ssr",
)

urlpatterns = [
    path("", include(refresh_urls)),
    # The admin's login page sends visitors to the site's sign-in (and back); staff only.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("pages.urls")),
]
