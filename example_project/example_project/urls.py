from django.urls import include, path

urlpatterns = [
    # The refresh page the decorator sends expired sessions to: /refresh-session/.
    path("", include("django_st_ssr.urls")),
    path("", include("pages.urls")),
]
