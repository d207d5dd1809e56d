"""Signing keys rotate on the core's own timer while a visitor stays signed in."""

from __future__ import annotations

import time

import httpx
import pytest
from django.test import Client

from tests.core.cdi import jwt_part

PAGE = {"HTTP_ACCEPT": "text/html", "HTTP_SEC_FETCH_MODE": "navigate"}


def kids(core) -> list[str]:
    keys = httpx.get(core.url + "/.well-known/jwks.json").json()["keys"]
    return [key["kid"] for key in keys if key["kid"].startswith("d-")]


@pytest.mark.emulator_only(reason="a real core rotates keys every 168 hours by default")
def test_keys_rotating_on_their_own_keep_the_visitor_signed_in(st_core, st_login):
    client = Client()
    st_core.signing_key_rotation_interval = 1.0  # seconds; the real core counts in hours
    logged_in = st_login(client, user_id="rotating-visitor")
    first_kid = jwt_part(logged_in.access_token, 0)["kid"]
    assert client.get("/protected/", **PAGE).status_code == 200

    time.sleep(1.1)
    # Nobody asked for it: the core signs with a new key and keeps listing the old one, since
    # tokens signed with it are still valid.
    listed = kids(st_core)
    assert listed[0] != first_kid
    assert first_kid in listed
    response = client.get("/protected/", **PAGE)
    assert (response.status_code, response.content) == (200, b"user:rotating-visitor")

    # The next refresh gets a token signed with the new key, which the app fetches and accepts.
    refreshed = client.post("/auth/session/refresh", headers={"rid": "session"})
    assert refreshed.status_code == 200
    new_kid = jwt_part(refreshed.cookies["sAccessToken"].value, 0)["kid"]
    assert new_kid != first_kid
    assert new_kid in kids(st_core)
    response = client.get("/protected/", **PAGE)
    assert (response.status_code, response.content) == (200, b"user:rotating-visitor")
