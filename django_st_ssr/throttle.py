"""Brute-force throttle of the auth views: attempts per account and per client address.

Counters live in a Django cache (``AUTH_THROTTLE_CACHE``), one fixed window each: the first
attempt starts a window of ``seconds``; once ``attempts`` are counted in it, the action is refused
until it ends. The default local-memory cache counts per process: a site served by several
processes or hosts needs a shared cache (Redis, Memcached, the database cache) for the limits to
hold as written.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches

from .conf import app_settings

KEY_PREFIX = "django_st_ssr:throttle"


def _key(action: str, scope: str, value: str) -> str:
    # Hashed: emails and addresses stay out of the cache's key space (and its logs), and
    # Memcached's key rules (no spaces, 250 bytes) always hold.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{KEY_PREFIX}:{action}:{scope}:{digest}"


def normalise_account(email: str) -> str:
    # The core compares emails trimmed and lower-cased: so does the per-account count.
    return email.strip().lower()


class Throttle:
    """The limits of one action ("sign_in", "password_reset") for one account and one client."""

    def __init__(self, action: str, *, account: str, client: str) -> None:
        self.action = action
        limits = app_settings.auth_throttle
        self.counters: list[tuple[str, int, int]] = []
        for scope, value in (("account", normalise_account(account)), ("client", client)):
            limit = limits[f"{action}_per_{scope}"]
            if limit is not None and value:
                attempts, seconds = limit
                self.counters.append((_key(action, scope, value), attempts, seconds))
        self.cache = caches[app_settings.AUTH_THROTTLE_CACHE]

    def exceeded(self) -> bool:
        """True when one of the counters has used up its window's attempts."""
        if not self.counters:
            return False
        counts = self.cache.get_many([key for key, _, _ in self.counters])
        return any(counts.get(key, 0) >= attempts for key, attempts, _ in self.counters)

    def count(self) -> None:
        """Count one attempt on every counter."""
        for key, _, seconds in self.counters:
            # add() starts the window (and sets its expiry) only if none is running.
            self.cache.add(key, 0, timeout=seconds)
            try:
                self.cache.incr(key)
            except ValueError:  # the window ended between add() and incr()
                self.cache.set(key, 1, timeout=seconds)

    def forget_account(self) -> None:
        """Clear the account's counter (after a successful sign-in: the password is known)."""
        self.cache.delete_many([key for key, _, _ in self.counters if ":account:" in key])
