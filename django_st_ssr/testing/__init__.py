"""Test helpers for django-st-ssr: an emulated SuperTokens core and a pytest plugin.

The emulated core keeps everything in memory and is for tests and demos only. Importing this module
does not need Django to be configured (test settings import it), and nothing else in the package
imports it.
"""

from __future__ import annotations

import os
import threading

from .core import EmulatedCore

__all__ = ["EmulatedCore", "core_uri_from_env_or_emulator", "get_emulated_core", "unique_email"]

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


def core_uri_from_env_or_emulator() -> str:
    """``ST_CORE_URI`` if set, else the URL of the process-wide emulated core."""
    uri = os.environ.get("ST_CORE_URI", "").strip()
    return uri or get_emulated_core().url


def unique_email(prefix: str = "user") -> str:
    """A fresh address, so tests never collide with users already in a (real) core."""
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
