"""A core that rejects the API key is a configuration error: said so in the log, not "outage"."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from django_st_ssr.testing import unique_email
from tests.sdk_reinit import sdk_initialised_with


def core_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """This package's log lines about the core (others, e.g. a host warning, may come too)."""
    return [
        r
        for r in caplog.records
        if r.name == "django_st_ssr" and "SuperTokens core" in r.getMessage()
    ]


@pytest.fixture
def wrong_key(keyed_core: Any) -> Iterator[None]:
    with sdk_initialised_with(CONNECTION_URI=keyed_core.url, API_KEY=f"wrong-{uuid.uuid4().hex}"):
        yield


def test_sign_in_with_a_rejected_api_key_is_logged_as_configuration_error(
    wrong_key: None, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "formFields": [
            {"id": "email", "value": unique_email()},
            {"id": "password", "value": "Pw1-not-used"},
        ]
    }
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        response = Client().post(
            "/auth/signin",
            body,
            content_type="application/json",
            headers={"origin": "http://localhost:8000"},
        )
    # Visitors still get the outage answer; the operator's log names the real cause.
    assert response.status_code == 503
    [record] = core_records(caplog)
    assert record.levelno == logging.ERROR
    assert "rejected the API key (HTTP 401)" in record.getMessage()
    assert "unavailable" not in record.getMessage()


def test_protected_page_with_a_rejected_api_key_is_503_and_logged_as_configuration_error(
    keyed_core: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A session the core really holds (created with the right key) ...
    created = httpx.post(
        keyed_core.url + "/public/recipe/session",
        json={
            "userId": f"user-{uuid.uuid4().hex}",
            "userDataInJWT": {},
            "userDataInDatabase": {},
            "useDynamicSigningKey": True,
            "enableAntiCsrf": False,
        },
        headers={"cdi-version": "5.4", "api-key": keyed_core.api_key},
    ).json()
    client = Client()
    client.cookies["sAccessToken"] = created["accessToken"]["token"]
    # ... checked against the database by an app configured with the wrong key.
    wrong = "wrong-" + uuid.uuid4().hex
    with (
        sdk_initialised_with(CONNECTION_URI=keyed_core.url, API_KEY=wrong),
        caplog.at_level(logging.WARNING, logger="django_st_ssr"),
    ):
        response = client.get("/database/", headers={"accept": "text/html"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    [record] = core_records(caplog)
    assert (record.levelno, "rejected the API key" in record.getMessage()) == (logging.ERROR, True)
