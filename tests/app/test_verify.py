"""verify.py: which SDK exceptions become which outcome, and which propagate."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import requests
from supertokens_python.recipe.session.exceptions import (
    ClaimValidationError,
    InvalidClaimsError,
    TokenTheftError,
    TryRefreshTokenError,
    UnauthorisedError,
)
from supertokens_python.types import RecipeUserId

from django_st_ssr.verify import Outcome, outcome_for_exception


def test_try_refresh():
    result = outcome_for_exception(TryRefreshTokenError("expired"))
    assert result.outcome is Outcome.TRY_REFRESH
    assert not result.clear_tokens


@pytest.mark.parametrize("clear", [True, False])
def test_unauthorised_keeps_the_sdk_verdict_on_clearing(clear):
    result = outcome_for_exception(UnauthorisedError("gone", clear_tokens=clear))
    assert result.outcome is Outcome.UNAUTHORISED
    assert result.clear_tokens is clear


def test_token_theft_is_unauthorised_and_clears():
    result = outcome_for_exception(TokenTheftError("u", RecipeUserId("u"), "handle"))
    assert result.outcome is Outcome.UNAUTHORISED
    assert result.clear_tokens


def test_invalid_claims_names_the_claims():
    error = InvalidClaimsError(
        "invalid claims",
        [
            ClaimValidationError("st-ev", {"message": "wrong value"}),
            ClaimValidationError("x", None),
        ],
    )
    result = outcome_for_exception(error)
    assert result.outcome is Outcome.INVALID_CLAIMS
    assert result.claim_ids == ("st-ev", "x")
    assert result.claim_errors == (
        {"id": "st-ev", "reason": {"message": "wrong value"}},
        {"id": "x"},
    )


def test_mutators_travel_with_the_outcome():
    def mutator(response, user_context):
        return None

    error = TryRefreshTokenError("duplicate cookies")
    error.response_mutators.append(mutator)
    assert outcome_for_exception(error).response_mutators == (mutator,)


@pytest.mark.parametrize(
    "exc",
    [
        Exception("No SuperTokens core available to query"),
        Exception("SuperTokens core threw an error for a POST request to path: '/x' with 500"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        requests.ConnectionError("refused"),
        asyncio.TimeoutError(),  # CORE_TIMEOUT
        # How the SDK reports signing keys it could not fetch.
        TryRefreshTokenError(requests.ConnectionError("refused")),
        TryRefreshTokenError(requests.HTTPError("500 Server Error")),
    ],
)
def test_core_failures(exc):
    assert outcome_for_exception(exc).outcome is Outcome.CORE_UNAVAILABLE


@pytest.mark.parametrize(
    "exc", [ValueError("bug"), KeyError("bug"), Exception("something else"), RuntimeError()]
)
def test_anything_else_propagates(exc):
    with pytest.raises(type(exc)):
        outcome_for_exception(exc)


def test_unknown_signing_key_is_try_refresh_not_core_failure():
    assert outcome_for_exception(
        TryRefreshTokenError(Exception("No matching JWKS found"))
    ).outcome is (Outcome.TRY_REFRESH)
