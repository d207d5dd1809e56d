"""tests/auth: Django's auth (request.user, permissions, decorators, admin) on SuperTokens."""

from __future__ import annotations

import time
from typing import Any

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/auth/" in str(item.fspath):
            item.add_marker(pytest.mark.urls("tests.auth.urls"))


# What README "Django auth" asks of a project; tests that need another backend override it.
BACKENDS = ["django_st_ssr.auth.SuperTokensBackend", "django.contrib.auth.backends.ModelBackend"]


@pytest.fixture(autouse=True)
def _supertokens_backend(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = BACKENDS


def roles_payload(roles: list[str] = (), permissions: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """The userroles recipe's claims, as they sit in an access token."""
    now = int(time.time() * 1000)
    return {"st-role": {"v": list(roles), "t": now}, "st-perm": {"v": list(permissions), "t": now}}


@pytest.fixture
async def async_db_threads() -> Any:
    """Close the connection that async views opened from asgiref's thread (else PostgreSQL
    refuses to drop the test database while it is still open)."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    yield
    await sync_to_async(connections.close_all)()
