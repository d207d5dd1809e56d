"""The SDK's messages this app recognises, checked against the installed (pinned) SDK, and the
SDK's JWKS timeout set once from ``CORE_TIMEOUT``, never on a request."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from supertokens_python.normalised_url_path import NormalisedURLPath
from supertokens_python.querier import Querier
from supertokens_python.recipe.session import cookie_and_header, jwks

from django_st_ssr import sdkerrors, verify


@pytest.mark.parametrize(
    ("module", "phrase"),
    [
        (Querier, sdkerrors.CORE_UNREACHABLE),
        (jwks, sdkerrors.CORE_UNREACHABLE),
        (Querier, sdkerrors.CORE_ERROR),
        (cookie_and_header, sdkerrors.DUPLICATE_COOKIES),
    ],
)
def test_each_phrase_is_what_the_pinned_sdk_raises(module: Any, phrase: str) -> None:
    source = inspect.getsource(module)
    assert f'"{phrase}' in source, f"the SDK no longer says {phrase!r}"


def test_the_status_code_phrase_matches_the_sdks_format() -> None:
    # The SDK builds "... request to path: '" + path + "' with status code: " + status + " and
    # message: " + text; CORE_STATUS_401 is that with status 401.
    source = inspect.getsource(Querier)
    assert '"\' with status code: "' in source
    assert '" and message: "' in source
    message = (
        "SuperTokens core threw an error for a GET request to path: '/recipe/x'"
        " with status code: 401 and message: Invalid API key"
    )
    assert sdkerrors.is_core_401(Exception(message))
    assert not sdkerrors.is_core_401(Exception(message.replace("401", "404")))
    assert not sdkerrors.is_core_401(ValueError(message))  # only the SDK's bare Exception


def test_a_real_core_error_is_recognised_as_such(st_core: Any) -> None:
    from supertokens_python.async_to_sync_wrapper import sync

    with pytest.raises(Exception, match=sdkerrors.CORE_ERROR) as raised:
        sync(
            Querier.get_instance().send_get_request(
                NormalisedURLPath("/no-such-st-ssr-path"), None, {}
            )
        )
    assert type(raised.value) is Exception
    assert sdkerrors.core_down_phrase(raised.value) == sdkerrors.CORE_ERROR
    assert verify.is_core_failure(raised.value)
    assert not sdkerrors.is_core_401(raised.value)


def with_timeout(value: object) -> Any:
    return override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "CORE_TIMEOUT": value})


def test_the_jwks_timeout_follows_core_timeout_when_the_setting_is_read() -> None:
    assert jwks.JWKSConfig["request_timeout"] == 5000  # the default CORE_TIMEOUT, at start-up
    with with_timeout(0.5):
        assert jwks.JWKSConfig["request_timeout"] == 500
    with with_timeout(None):
        assert jwks.JWKSConfig["request_timeout"] == 10_000  # the SDK's own
    assert jwks.JWKSConfig["request_timeout"] == 5000


def test_a_request_never_rewrites_the_sdks_global_timeout(monkeypatch: Any) -> None:
    monkeypatch.setitem(jwks.JWKSConfig, "request_timeout", 1234)
    assert asyncio.run(verify.within_core_timeout(asyncio.sleep(0, result="done"))) == "done"
    assert jwks.JWKSConfig["request_timeout"] == 1234
