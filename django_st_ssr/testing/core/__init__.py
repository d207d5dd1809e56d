"""The emulated SuperTokens core, split by concern: HTTP server, keys, sessions, users."""

from __future__ import annotations

from .server import EmulatedCore

__all__ = ["EmulatedCore"]
