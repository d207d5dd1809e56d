"""Shared test configuration.

The ``django_st_ssr.testing.plugin`` fixtures (``st_core``, ``st_login``, ``st_alogin``) come from
the package's ``pytest11`` entry point (``pip install -e .``).

Hypothesis: with ``CI`` set (``.ci/run``) or ``HYPOTHESIS_SEED`` given, the ``ci`` profile is
loaded and every property test runs from one seed, printed at the end of the run; rerun a
failure with ``HYPOTHESIS_SEED=<seed>`` (or ``--hypothesis-seed=<seed>``).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,  # a loaded 2-CPU machine is slow, not wrong
    print_blob=True,  # a failure prints the @reproduce_failure line
    suppress_health_check=[HealthCheck.too_slow],
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--verification-path",
        choices=("fast-path", "sdk-only", "cold-keys"),
        default=None,
        help="run tests/app with only this verification path (default: all three)",
    )


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own plugin reads --hypothesis-seed
def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("hypothesis_seed", None) or os.environ.get("HYPOTHESIS_SEED")
    if not (given or os.environ.get("CI")):
        return
    settings.load_profile("ci")
    seed = str(given or secrets.randbelow(2**32))
    config.option.hypothesis_seed = seed
    config.stash[_SEED] = seed


_SEED = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seed = config.stash.get(_SEED, None)
    if seed is not None:
        terminalreporter.write_line(
            f"hypothesis seed {seed} (profile 'ci'): rerun with HYPOTHESIS_SEED={seed}"
        )


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
