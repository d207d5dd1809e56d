"""Backend subclasses showing the hooks (tests/auth)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from django_st_ssr.auth import SuperTokensBackend


class NoNewUsersBackend(SuperTokensBackend):
    create_unknown_user = False


class NamingBackend(SuperTokensBackend):
    def create_user(self, request: Any, supertokens_id: str, email: str | None) -> Any:
        return get_user_model().objects.create_user(username=email or supertokens_id, email=email)

    def configure_user(self, request: Any, user: Any, created: bool = True) -> Any:
        user.first_name = "configured"
        user.save(update_fields=["first_name"])
        return user
