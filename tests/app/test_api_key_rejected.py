"""A core that rejects the API key is a configuration error: said so in the log, not "outage"."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from django_st_ssr.testing import unique_email
from tests.sdk_reinit import sdk_initialised_with


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
    [record] = [r for r in caplog.records if r.name == "django_st_ssr"]
    assert record.levelno == logging.ERROR
    assert "rejected the API key (HTTP 401)" in record.getMessage()
    assert "unavailable" not in record.getMessage()
