"""Test helpers for django-st-ssr: an emulated SuperTokens core and a pytest plugin.

The emulated core keeps everything in memory and is for tests and demos only. Importing this module
does not need Django to be configured (test settings import it), and nothing else in the package
imports it.
"""

from __future__ import annotations

import os
import threading

from .core import EmulatedCore

__all__ = [
    "EmulatedCore",
    "core_uri_from_env_or_emulator",
    "emulator_allowed",
    "get_emulated_core",
    "unique_email",
]

_lock = threading.Lock()
_core: EmulatedCore | None = None


def get_emulated_core() -> EmulatedCore:
    """The process-wide emulated core, started on first use (thread-safe)."""
    global _core
    with _lock:
        if _core is None:
            _core = EmulatedCore(api_key=os.environ.get("ST_CORE_API_KEY") or None).start()
        return _core


def _core_if_started() -> EmulatedCore | None:
    return _core


# Set by the pytest plugin when it loads: a test run may start the emulator on its own.
_test_run = False


def _allow_emulator_for_this_test_run() -> None:
    global _test_run
    _test_run = True


def emulator_allowed() -> bool:
    """True in a pytest run (this package's plugin is loaded) or with ``ST_CORE_EMULATOR=1``."""
    return _test_run or os.environ.get("ST_CORE_EMULATOR", "").strip() == "1"


def core_uri_from_env_or_emulator() -> str:
    """``ST_CORE_URI`` if set, else the URL of the process-wide emulated core.

    The emulator is unauthenticated and in memory: anyone who can reach it can mint a session for
    any user. So it only starts where it was asked for (a pytest run, or ``ST_CORE_EMULATOR=1``
    for ``manage.py test`` and demos); settings copied into a deployment without ``ST_CORE_URI``
    fail at start-up instead of quietly trusting it.
    """
    uri = os.environ.get("ST_CORE_URI", "").strip()
    if uri:
        return uri
    if not emulator_allowed():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "ST_CORE_URI is not set, and the emulated SuperTokens core is only for tests and "
            "demos. Set ST_CORE_URI to your core (and ST_CORE_API_KEY), or ST_CORE_EMULATOR=1 "
            "to run the emulated core outside pytest (never in production)."
        )
    return get_emulated_core().url


def unique_email(prefix: str = "user") -> str:
    """A fresh address, so tests never collide with users already in a (real) core."""
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
