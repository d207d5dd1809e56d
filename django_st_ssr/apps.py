from __future__ import annotations

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured


class DjangoStSsrConfig(AppConfig):
    name = "django_st_ssr"
    verbose_name = "SuperTokens SSR"
    # Fixed here so a project's DEFAULT_AUTO_FIELD never asks for a migration of this app.
    default_auto_field = "django.db.models.BigAutoField"

    # Set when settings could not initialise the SDK: the system check reports it (a message
    # beats a stack trace at start-up), and the middleware raises it on first use.
    init_error: ImproperlyConfigured | None = None

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from . import checks  # noqa: F401  (registers the system checks)

        if apps.is_installed("django.contrib.auth"):
            from . import auth  # noqa: F401  (connects its user_logged_out receiver)
        from .init import init_supertokens
        from .verify import apply_core_timeout

        setting_changed.connect(apply_core_timeout, dispatch_uid="django_st_ssr.core_timeout")

        try:
            init_supertokens()
        except ImproperlyConfigured as exc:
            type(self).init_error = exc
