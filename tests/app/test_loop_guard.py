"""The refresh-loop guard, one test per way it could quietly break.

Each test here failed against a deliberate bug the rest of the suite let through: the time
window deleted, an unsigned (or foreign-signed) loop cookie trusted, the cookie never marked
``Secure`` on HTTPS.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.http import HttpResponse
from django.test import Client, override_settings

from django_st_ssr import redirects

LOOP = "/refresh-session/?error=loop"


def trip(client: Client, **extra: Any) -> str:
    response = client.get("/protected/", **extra)
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_trips_spread_wider_than_the_window_are_no_loop(st_core: Any, monkeypatch: Any) -> None:
    # REFRESH_WINDOW 30 s, MAX_REFRESH_ATTEMPTS 3: a trip every 20 s keeps each cookie young
    # (re-signed each time), but no 30 s holds more than two trips.
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    client = Client()
    for number in range(6):
        assert trip(client) != LOOP, f"trip {number + 1} at +{20 * number} s"
        clock[0] += 20
    # The same client, trips a second apart: the fourth is the loop.
    for _ in range(3):
        assert trip(client) != LOOP
        clock[0] += 1
    assert trip(client) == LOOP


def _tag(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:16]


def test_an_unsigned_loop_cookie_is_not_trusted(st_core: Any) -> None:
    client = Client()
    client.cookies[redirects.LOOP_COOKIE_NAME] = f"99:{int(time.time())}:{_tag('/protected/')}"
    assert trip(client) != LOOP


def _signed_by_django(value: str) -> str:
    """The loop cookie as ``set_signed_cookie`` writes it with this site's SECRET_KEY.

    Built through Django itself, not by hand: Django 6.1 changed the salt of signed cookies.
    """
    response = HttpResponse()
    response.set_signed_cookie(redirects.LOOP_COOKIE_NAME, value, salt=redirects._LOOP_SALT)
    return response.cookies[redirects.LOOP_COOKIE_NAME].value


def test_a_loop_cookie_signed_with_another_key_is_not_trusted(st_core: Any) -> None:
    value = f"99:{int(time.time())}:{_tag('/protected/')}"
    with override_settings(SECRET_KEY="not-this-sites-secret-key"):
        forged = _signed_by_django(value)
    client = Client()
    client.cookies[redirects.LOOP_COOKIE_NAME] = forged
    assert trip(client) != LOOP
    # A cookie this site signed, for the same value, is trusted: the test above is not vacuous.
    client = Client()
    client.cookies[redirects.LOOP_COOKIE_NAME] = _signed_by_django(value)
    assert trip(client) == LOOP


def test_the_loop_cookie_is_secure_on_https_only(st_core: Any) -> None:
    secure = Client().get("/protected/", secure=True).cookies[redirects.LOOP_COOKIE_NAME]
    assert secure.value
    assert secure["secure"] is True
    plain = Client().get("/protected/").cookies[redirects.LOOP_COOKIE_NAME]
    assert plain.value
    assert not plain["secure"]
