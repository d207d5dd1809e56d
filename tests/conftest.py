"""Shared test configuration.

The ``django_st_ssr.testing.plugin`` fixtures (``st_core``, ``st_login``, ``st_alogin``) come from
the package's ``pytest11`` entry point (``pip install -e .``).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    # The SDK is asyncio-only.
    return "asyncio"
