"""Two first requests of the same new user at once: one row, no error (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from django_st_ssr.auth import SuperTokensBackend
from django_st_ssr.models import SuperTokensUserLink
from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.django_db(transaction=True)

arrived = threading.Barrier(2, timeout=10)


class RacingBackend(SuperTokensBackend):
    """Holds each request after its lookup found no row, until both got that far."""

    def fetch_email(self, supertokens_id: str) -> str | None:
        email = super().fetch_email(supertokens_id)
        arrived.wait()
        return email


def _get(client: Client, url: str) -> Any:
    try:
        return client.get(url)
    finally:
        connection.close()  # each worker thread's own connection


def test_two_first_requests_at_once(st_login, settings):
    settings.AUTHENTICATION_BACKENDS = ["tests.auth.test_concurrency.RacingBackend"]
    arrived.reset()
    client = Client()
    session = st_login(client, email=unique_email())
    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda _: _get(client, "/whoami/"), range(2)))
    assert [r.status_code for r in responses] == [200, 200]
    expected = f"authenticated:{session.user_id}:staff=False"
    assert [r.content.decode() for r in responses] == [expected, expected]
    assert SuperTokensUserLink.objects.filter(supertokens_id=session.user_id).count() == 1
    assert get_user_model().objects.filter(username=session.user_id).count() == 1
