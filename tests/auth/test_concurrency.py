"""Two first requests of the same new user at once: one row, no error (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from django_st_ssr.auth import SuperTokensBackend
from django_st_ssr.models import SuperTokensUserLink
from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
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


in_memory_sqlite = pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.is_in_memory_db(),
    reason="in-memory SQLite locks tables across threads; test_on_an_sqlite_file runs this",
)


@in_memory_sqlite
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


@pytest.mark.skipif(
    not (connection.vendor == "sqlite" and connection.is_in_memory_db()),
    reason="the database of this run is already the one to test",
)
def test_on_an_sqlite_file():
    """The test above on SQLite as deployed: a file (its own pytest process)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            __file__,
            "--ds=tests.settings_sqlite_file",
            "-k",
            "two_first_requests",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
