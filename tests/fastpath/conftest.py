"""Fixtures for the fast-path tests: real sessions from the SDK, and forged tokens."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from supertokens_python.recipe.session import jwks
from supertokens_python.recipe.session.recipe import SessionRecipe
from supertokens_python.recipe.session.syncio import (
    create_new_session_without_request_response,
    get_session,
)
from supertokens_python.types import RecipeUserId

from django_st_ssr import fastpath


@pytest.fixture
def emulator() -> Any:
    """The emulated core the settings point at; skips against a real core."""
    if os.environ.get("ST_CORE_URI"):
        pytest.skip("needs the emulated core's controls")
    from django_st_ssr.testing import get_emulated_core

    return get_emulated_core()


@pytest.fixture
def new_session() -> Callable[..., dict[str, Any]]:
    """Create a session in the core through the SDK; returns its tokens and ids."""

    def create(payload: dict[str, Any] | None = None) -> dict[str, Any]:
        user_id = f"fastpath-{uuid.uuid4()}"
        session = create_new_session_without_request_response(
            "public", RecipeUserId(user_id), payload or {}
        )
        tokens = session.get_all_session_tokens_dangerously()
        return {
            "user_id": user_id,
            "handle": session.get_handle(),
            "access": tokens["accessToken"],
            "refresh": tokens["refreshToken"],
            "anti_csrf": tokens["antiCsrfToken"],
        }

    return create


@pytest.fixture
def warm_keys(new_session: Callable[..., dict[str, Any]], rf: Any) -> None:
    """Make sure the SDK holds a fresh JWKS with the core's current key (one SDK verification)."""
    token = new_session()["access"]
    get_session(rf.get("/", HTTP_COOKIE=f"sAccessToken={token}"))
    assert jwks.cached_keys is not None


@pytest.fixture(autouse=True)
def _empty_fastpath_cache() -> Any:
    fastpath.clear_cache()
    yield
    fastpath.clear_cache()


@pytest.fixture
def session_config() -> Any:
    return SessionRecipe.get_instance().config
