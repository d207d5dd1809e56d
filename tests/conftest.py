"""Shared test configuration.

The ``django_st_ssr.testing.plugin`` fixtures (``st_core``, ``st_login``, ``st_alogin``) come from
the package's ``pytest11`` entry point (``pip install -e .``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def anyio_backend() -> str:
    # The SDK is asyncio-only.
    return "asyncio"


@pytest.fixture(scope="session")
def keyed_core() -> Iterator[Any]:
    """A core that demands an API key: the real one given with ``ST_CORE_API_KEY``, else a
    private emulated core with a key (so the API-key tests always run on the emulator)."""
    if os.environ.get("ST_CORE_URI", "").strip():
        from django_st_ssr.testing.plugin import RealCore

        key = os.environ.get("ST_CORE_API_KEY") or None
        if not key:
            pytest.skip("ST_CORE_URI names a core without an API key")
        yield RealCore(os.environ["ST_CORE_URI"].strip(), key)
        return
    from django_st_ssr.testing import EmulatedCore

    core = EmulatedCore(api_key=f"key-{uuid.uuid4().hex}").start()
    yield core
    core.stop()
