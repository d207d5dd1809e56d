"""pytest plugin (``pytest11`` entry point): a SuperTokens core and logged-in test clients.

Fixtures:

- ``st_core``: the core the tests talk to, session-scoped. The process-wide emulated core, or the
  real core named by ``ST_CORE_URI`` (``ST_CORE_API_KEY``); its emulator-only
  controls then skip the test.
- ``st_login(client, *, user_id=None, email=None, payload=None)``: a real session through the SDK,
  its cookies put on a Django test ``Client``/``AsyncClient``; ``st_alogin`` is the async twin.
- ``st_force_login(client, user=None, *, roles=(), permissions=())``: Django's ``force_login`` for
  ``SuperTokensBackend``: signs in ``user`` (a new one when None) and returns it;
  ``st_aforce_login`` is the async twin (see ``django_st_ssr.testing.auth``).

Tests marked ``@pytest.mark.emulator_only(reason="...")`` are skipped against a real core, the
reason in the skip message; a marker without a reason fails the test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from . import _allow_emulator_for_this_test_run, _core_if_started, get_emulated_core, unique_email
from .core.keys import DEFAULT_ROTATION_INTERVAL

__all__ = ["LoggedInSession", "RealCore", "unique_email"]

# Loaded by pytest before any settings module: test settings may start the emulated core.
_allow_emulator_for_this_test_run()

_CONTROLS = frozenset(
    {
        "expired_access_token",
        "expire_access_token_cookie",
        "expire_all_access_tokens",
        "rotate_keys",
        "drop_old_keys",
        "revoke_session",
        "revoke_all_sessions",
        "down",
        "up",
        "delay",
        "fail_next",
        "clear_faults",
        "calls",
        "reset_log",
        "log",
        "access_token_validity",
        "refresh_token_validity",
        "signing_key_rotation_interval",
    }
)


class RealCore:
    """A real core: its URL and key; the emulator's controls skip the calling test."""

    emulated = False

    def __init__(self, url: str, api_key: str | None) -> None:
        self.url = url
        self.api_key = api_key

    def __getattr__(self, name: str) -> Any:
        if name in _CONTROLS:
            pytest.skip(f"needs the emulated core ({name}); ST_CORE_URI names a real one")
        raise AttributeError(name)


def _real_core_uri() -> str:
    return os.environ.get("ST_CORE_URI", "").strip()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "emulator_only(reason=...): needs the emulated core (skipped when ST_CORE_URI is set)",
    )


def _reason(marker: pytest.Mark) -> str:
    why = marker.kwargs.get("reason", marker.args[0] if marker.args else "")
    return why.strip() if isinstance(why, str) else ""


def pytest_runtest_setup(item: pytest.Item) -> None:
    markers = list(item.iter_markers("emulator_only"))
    if not markers:
        return
    # Refused with or without a real core: a bare marker would only show up as a silent skip.
    if not all(_reason(marker) for marker in markers):
        pytest.fail(
            f"{item.nodeid}: @pytest.mark.emulator_only needs a reason, e.g. "
            '@pytest.mark.emulator_only(reason="takes the core down"); add reason= '
            "saying which emulator control the test uses",
            pytrace=False,
        )
    if _real_core_uri():
        pytest.skip(f"needs the emulated core: {_reason(markers[0])}; ST_CORE_URI is set")


@pytest.fixture(scope="session")
def st_core() -> Any:
    """The SuperTokens core of this test run (emulated unless ``ST_CORE_URI`` is set)."""
    uri = _real_core_uri()
    if uri:
        return RealCore(uri, os.environ.get("ST_CORE_API_KEY") or None)
    return get_emulated_core()


@pytest.fixture(autouse=True)
def _st_core_restore() -> Iterator[None]:
    # A test that took the emulator down, injected faults or rotated keys must not break the next.
    core = _core_if_started()
    key_generation = core.key_generation if core is not None else 0
    yield
    core = _core_if_started()
    if core is not None:
        if core.key_generation != key_generation:
            from supertokens_python.recipe.session.jwks import reset_jwks_cache

            reset_jwks_cache()
        core.up()
        core.clear_faults()
        core.access_token_validity = 3600
        core.refresh_token_validity = 100 * 24 * 3600
        core.signing_key_rotation_interval = DEFAULT_ROTATION_INTERVAL


@dataclass
class LoggedInSession:
    user_id: str
    session_handle: str
    access_token: str
    refresh_token: str
    anti_csrf_token: str | None
    email: str | None = None


def _password() -> str:
    return "Pw1-" + secrets.token_urlsafe(12)


def _put_cookies(client: Any, access_token: str, refresh_token: str) -> None:
    """The cookies the SDK's own response would carry (see its cookie_and_header module)."""
    from supertokens_python.recipe.session.recipe import SessionRecipe

    config = SessionRecipe.get_instance().config
    try:
        same_site = config.get_cookie_same_site(None, {})
    except Exception:  # a callable same-site policy may need a request
        same_site = "lax"
    for name, token, path in (
        ("sAccessToken", access_token, "/"),
        ("sRefreshToken", refresh_token, config.refresh_token_path.get_as_string_dangerous()),
    ):
        client.cookies[name] = quote(token, encoding="utf-8")
        morsel = client.cookies[name]
        morsel["path"] = path
        morsel["httponly"] = True
        morsel["samesite"] = same_site
        if config.cookie_secure:
            morsel["secure"] = True
        if config.cookie_domain:
            morsel["domain"] = config.cookie_domain


def _session_result(session: Any, email: str | None) -> LoggedInSession:
    tokens = session.get_all_session_tokens_dangerously()
    return LoggedInSession(
        user_id=session.get_user_id(),
        session_handle=session.get_handle(),
        access_token=tokens["accessToken"],
        refresh_token=tokens["refreshToken"],
        anti_csrf_token=tokens.get("antiCsrfToken"),
        email=email,
    )


def login(
    client: Any,
    *,
    user_id: str | None = None,
    email: str | None = None,
    payload: dict[str, Any] | None = None,
    tenant_id: str = "public",
) -> LoggedInSession:
    """Create a real session (signing up ``email`` if new) and put its cookies on ``client``."""
    from supertokens_python.async_to_sync_wrapper import sync

    # The SDK's own syncio functions run their coroutines exactly like this.
    return sync(alogin(client, user_id=user_id, email=email, payload=payload, tenant_id=tenant_id))


async def alogin(
    client: Any,
    *,
    user_id: str | None = None,
    email: str | None = None,
    payload: dict[str, Any] | None = None,
    tenant_id: str = "public",
) -> LoggedInSession:
    """Async twin of :func:`login`, for async tests and ``AsyncClient``."""
    from supertokens_python.asyncio import list_users_by_account_info
    from supertokens_python.recipe.emailpassword.asyncio import sign_up
    from supertokens_python.recipe.emailpassword.interfaces import SignUpOkResult
    from supertokens_python.recipe.session.asyncio import (
        create_new_session_without_request_response,
    )
    from supertokens_python.types import RecipeUserId
    from supertokens_python.types.base import AccountInfoInput

    if email is not None:
        result = await sign_up(tenant_id, email, _password())
        if isinstance(result, SignUpOkResult):
            user_id = result.user.id
        else:
            users = await list_users_by_account_info(tenant_id, AccountInfoInput(email=email))
            user_id = users[0].id
    if user_id is None:
        user_id = f"user-{secrets.token_hex(8)}"
    session = await create_new_session_without_request_response(
        tenant_id, RecipeUserId(user_id), payload or {}
    )
    logged_in = _session_result(session, email)
    _put_cookies(client, logged_in.access_token, logged_in.refresh_token)
    return logged_in


@pytest.fixture
def st_login(st_core: Any) -> Callable[..., LoggedInSession]:
    """``st_login(client, *, user_id=None, email=None, payload=None)`` -> LoggedInSession."""
    return login


@pytest.fixture
def st_alogin(st_core: Any) -> Callable[..., Awaitable[LoggedInSession]]:
    """``await st_alogin(client, *, user_id=None, email=None, payload=None)``."""
    return alogin


@pytest.fixture
def st_force_login(st_core: Any) -> Callable[..., Any]:
    """``st_force_login(client, user=None, *, roles=(), permissions=())`` -> the Django user."""
    from .auth import force_login

    return force_login


@pytest.fixture
def st_aforce_login(st_core: Any) -> Callable[..., Awaitable[Any]]:
    """``await st_aforce_login(client, user=None, *, roles=(), permissions=())``."""
    from .auth import aforce_login

    return aforce_login
