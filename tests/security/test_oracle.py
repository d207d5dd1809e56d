"""The oracles can fail: on a 500, an off-site Location, a stranger's page, a logged token."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.http import HttpResponse, HttpResponseRedirect

from tests.security.conftest import assert_safe, location_is_on_site


@pytest.mark.parametrize(
    "location",
    [
        "//evil.example/",
        "https://evil.example/refresh-session/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/refresh-session/?redirectBack=//evil.example",
        "/refresh-session/?redirectBack=https://evil.example",
        "/elsewhere/",
    ],
)
def test_oracle_rejects_escapes(location: str) -> None:
    response = HttpResponseRedirect("/")
    response["Location"] = location
    with pytest.raises(AssertionError):
        assert_safe(response)


@pytest.mark.parametrize(
    ("response", "user"),
    [
        (HttpResponse("boom", status=500), None),
        (HttpResponse("boom", status=503), None),
        (HttpResponse("user:someone-else"), "victim"),
        (HttpResponse("user:victim"), None),
    ],
)
def test_oracle_rejects_errors_and_strangers(response: HttpResponse, user: Any) -> None:
    with pytest.raises(AssertionError):
        assert_safe(response, user=user)


def test_oracle_accepts_safe_answers() -> None:
    assert (
        assert_safe(HttpResponseRedirect("/refresh-session/?redirectBack=/page/%3Fa%3D1"))
        == "refresh"
    )
    assert assert_safe(HttpResponseRedirect("/login/?next=/page/")) == "login"
    assert assert_safe(HttpResponse("user:victim"), user="victim") == "page"
    assert assert_safe(HttpResponse("{}", status=401)) == "401"
    assert location_is_on_site("http://testserver/page/")


def test_log_sink_finds_a_logged_token(log_sink: Any) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0tMTIzNDUifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    logging.getLogger("com.supertokens").debug("payload part: %s", token.split(".")[1])
    with pytest.raises(AssertionError):
        log_sink.assert_free_of([token])
    log_sink.assert_free_of(["another-value-that-was-never-logged"])
