"""Every app test runs three ways, so no path is covered only by the luck of test order.

- ``fast-path``: the SDK holds fresh signing keys, so verification takes the local fast path
  (``django_st_ssr/fastpath.py``) wherever it can decide;
- ``sdk-only``: the fast path always declines, so the SDK's ``get_session`` decides everything;
- ``cold-keys``: no signing keys and an empty fast-path cache when the test starts, like a worker
  that just started: the first verification fetches the keys through the SDK.

Tests that use no core (``st_core``, directly or through ``st_login``...) run once. ``pytest
tests/app --verification-path=sdk-only`` runs one of the three.
"""

from __future__ import annotations

from typing import Any

import pytest

PATHS = ("fast-path", "sdk-only", "cold-keys")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Only a test that talks to a core verifies sessions; the others run once.
    if "verification_path" in metafunc.fixturenames and "st_core" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("verification_path", None)
        metafunc.parametrize("verification_path", [chosen] if chosen else PATHS, indirect=True)


@pytest.fixture(autouse=True)
def verification_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    from supertokens_python.recipe.session import jwks
    from supertokens_python.recipe.session.recipe import SessionRecipe

    from django_st_ssr import fastpath

    # Unparametrised: a test without a core, or a unittest TestCase (pytest cannot parametrise).
    path = getattr(request, "param", "fast-path")
    fastpath.clear_cache()
    if path == "sdk-only":
        # decide() is what verification asks (get_session() is a view of it).
        monkeypatch.setattr(fastpath, "decide", lambda *_args, **_kwargs: None)
    elif path == "cold-keys":
        jwks.reset_jwks_cache()
    else:
        if jwks.cached_keys is None or not jwks.cached_keys.is_fresh():
            try:
                jwks.get_latest_keys(SessionRecipe.get_instance().config)
            except Exception:  # a core a previous test left down: the test finds out itself
                jwks.reset_jwks_cache()
        # A warm worker fetched its keys a while ago: a key the core creates during the test may
        # be fetched at once, not after the SDK's 500 ms cool-down since the last fetch.
        jwks.last_fetch_time_ms = None
    return path
