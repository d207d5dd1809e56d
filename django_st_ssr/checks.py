"""System checks, ids django_st_ssr.E00n / W00n (see README "System checks")."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, register


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = apps.get_app_config("django_st_ssr")
    error = getattr(config, "init_error", None)
    if error is not None:
        return [Error(str(error), id="django_st_ssr.E001")]
    return []
