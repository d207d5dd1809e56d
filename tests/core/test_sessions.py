"""Sessions through the real SDK: create, local verify, refresh, theft, revocation, data."""

from __future__ import annotations

import uuid

import pytest
from supertokens_python.recipe.session import asyncio as session_async
from supertokens_python.recipe.session.exceptions import (
    TokenTheftError,
    TryRefreshTokenError,
    UnauthorisedError,
)
from supertokens_python.recipe.session.syncio import (
    create_new_session_without_request_response,
    get_all_session_handles_for_user,
    get_session_information,
    get_session_without_request_response,
    merge_into_access_token_payload,
    refresh_session_without_request_response,
    revoke_all_sessions_for_user,
    revoke_multiple_sessions,
    revoke_session,
    update_session_data_in_database,
)
from supertokens_python.types import RecipeUserId

from .cdi import jwt_part


def new_user_id() -> str:
    return f"contract-{uuid.uuid4()}"


def create(user_id=None, payload=None, data=None):
    user_id = user_id or new_user_id()
    session = create_new_session_without_request_response(
        "public", RecipeUserId(user_id), payload or {}, data or {}
    )
    return session, session.get_all_session_tokens_dangerously()


def verify(access_token, **kwargs):
    return get_session_without_request_response(access_token, **kwargs)


def test_access_token_format(st_core):
    user_id = new_user_id()
    session, tokens = create(user_id, {"plan": "gold"})
    header = jwt_part(tokens["accessToken"], 0)
    claims = jwt_part(tokens["accessToken"], 1)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert header["version"] == "5"
    assert header["kid"].startswith("d-")
    assert claims["sub"] == claims["rsub"] == user_id
    assert claims["tId"] == "public"
    assert claims["sessionHandle"] == session.get_handle()
    assert claims["plan"] == "gold"
    assert claims["iss"] == "http://localhost:8000/auth"
    assert claims["parentRefreshTokenHash1"] is None
    assert isinstance(claims["refreshTokenHash1"], str)
    assert claims["iat"] <= claims["exp"]
    assert claims["exp"] < 10**11  # seconds, not milliseconds
    assert "aud" not in claims
    assert tokens["refreshToken"]


def test_create_then_verify_locally(st_core):
    user_id = new_user_id()
    session, tokens = create(user_id, {"role": "editor"})
    verified = verify(tokens["accessToken"])
    assert verified is not None
    assert verified.get_user_id() == user_id
    assert verified.get_handle() == session.get_handle()
    assert verified.get_access_token_payload()["role"] == "editor"
    assert verified.get_all_session_tokens_dangerously()["accessAndFrontTokenUpdated"] is False


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_local_verification_makes_no_core_call_after_jwks_warm_up(st_core):
    _, tokens = create()
    verify(tokens["accessToken"])  # warms the JWKS cache (if not warm already)
    st_core.reset_log()
    for _ in range(20):
        assert verify(tokens["accessToken"]) is not None
    assert st_core.calls() == 0


def test_check_database_sees_revocation(st_core):
    session, tokens = create()
    assert verify(tokens["accessToken"], check_database=True) is not None
    assert revoke_session(session.get_handle()) is True
    # Local verification cannot know; the database check does.
    assert verify(tokens["accessToken"]) is not None
    with pytest.raises(UnauthorisedError):
        verify(tokens["accessToken"], check_database=True)
    with pytest.raises(UnauthorisedError):
        refresh_session_without_request_response(tokens["refreshToken"])


def test_refresh_rotates_and_first_verify_promotes(st_core):
    user_id = new_user_id()
    session, tokens = create(user_id, {"k": "v"})
    refreshed = refresh_session_without_request_response(tokens["refreshToken"])
    new = refreshed.get_all_session_tokens_dangerously()
    assert new["refreshToken"] != tokens["refreshToken"]
    assert refreshed.get_handle() == session.get_handle()
    claims = jwt_part(new["accessToken"], 1)
    assert claims["parentRefreshTokenHash1"] is not None
    assert claims["k"] == "v"

    # First use of the child: the core promotes it and hands back a token without the parent hash.
    promoted = verify(new["accessToken"])
    assert promoted is not None
    assert promoted.get_user_id() == user_id
    promoted_tokens = promoted.get_all_session_tokens_dangerously()
    assert promoted_tokens["accessAndFrontTokenUpdated"] is True
    promoted_claims = jwt_part(promoted_tokens["accessToken"], 1)
    assert promoted_claims["parentRefreshTokenHash1"] is None
    assert promoted_claims["refreshTokenHash1"] == claims["refreshTokenHash1"]

    # The parent refresh token is now stale: re-using it is theft.
    with pytest.raises(TokenTheftError) as theft:
        refresh_session_without_request_response(tokens["refreshToken"])
    assert theft.value.session_handle == session.get_handle()
    assert theft.value.user_id == user_id
    # The child keeps working.
    again = refresh_session_without_request_response(new["refreshToken"])
    assert again.get_handle() == session.get_handle()


def test_two_tabs_refreshing_with_the_same_token_stay_logged_in(st_core):
    session, tokens = create()
    tab_a = refresh_session_without_request_response(tokens["refreshToken"])
    tab_b = refresh_session_without_request_response(tokens["refreshToken"])
    a = tab_a.get_all_session_tokens_dangerously()
    b = tab_b.get_all_session_tokens_dangerously()
    assert a["refreshToken"] != b["refreshToken"]
    # Whichever child is used first wins; the session survives.
    assert verify(b["accessToken"]) is not None
    assert verify(b["accessToken"], check_database=True) is not None
    assert refresh_session_without_request_response(b["refreshToken"]).get_handle() == (
        session.get_handle()
    )


def test_refreshing_with_an_unpromoted_child_promotes_it(st_core):
    session, tokens = create()
    child = refresh_session_without_request_response(tokens["refreshToken"])
    child_tokens = child.get_all_session_tokens_dangerously()
    grandchild = refresh_session_without_request_response(child_tokens["refreshToken"])
    assert grandchild.get_handle() == session.get_handle()
    # The child was promoted by that refresh, so the original token is stale now.
    with pytest.raises(TokenTheftError):
        refresh_session_without_request_response(tokens["refreshToken"])


def test_unknown_refresh_token_is_unauthorised(st_core):
    with pytest.raises(UnauthorisedError):
        refresh_session_without_request_response("not-a-token-" + uuid.uuid4().hex)


def test_revoke_sessions_for_user_and_list_handles(st_core):
    user_id = new_user_id()
    first, _ = create(user_id)
    second, second_tokens = create(user_id)
    other, _ = create()
    handles = get_all_session_handles_for_user(user_id)
    assert sorted(handles) == sorted([first.get_handle(), second.get_handle()])

    revoked = revoke_multiple_sessions([first.get_handle()])
    assert revoked == [first.get_handle()]
    assert get_all_session_handles_for_user(user_id) == [second.get_handle()]

    assert revoke_all_sessions_for_user(user_id) == [second.get_handle()]
    assert get_all_session_handles_for_user(user_id) == []
    with pytest.raises(UnauthorisedError):
        verify(second_tokens["accessToken"], check_database=True)
    assert get_session_information(other.get_handle()) is not None


def test_session_information_and_data_in_database(st_core):
    user_id = new_user_id()
    session, _ = create(user_id, {"p": 1}, {"cart": [1, 2]})
    info = get_session_information(session.get_handle())
    assert info is not None
    assert info.user_id == user_id
    assert info.recipe_user_id.get_as_string() == user_id
    assert info.session_data_in_database == {"cart": [1, 2]}
    assert info.custom_claims_in_access_token_payload["p"] == 1
    assert info.tenant_id == "public"
    assert info.expiry > info.time_created

    assert update_session_data_in_database(session.get_handle(), {"cart": []}) is True
    updated = get_session_information(session.get_handle())
    assert updated is not None
    assert updated.session_data_in_database == {"cart": []}

    revoke_session(session.get_handle())
    assert get_session_information(session.get_handle()) is None
    assert update_session_data_in_database(session.get_handle(), {}) is False


def test_offline_payload_merge_reaches_the_next_token(st_core):
    session, tokens = create(payload={"a": 1})
    assert merge_into_access_token_payload(session.get_handle(), {"b": 2}) is True
    info = get_session_information(session.get_handle())
    assert info is not None
    assert info.custom_claims_in_access_token_payload["a"] == 1
    assert info.custom_claims_in_access_token_payload["b"] == 2
    refreshed = refresh_session_without_request_response(tokens["refreshToken"])
    claims = jwt_part(refreshed.get_all_session_tokens_dangerously()["accessToken"], 1)
    assert (claims["a"], claims["b"]) == (1, 2)


def test_merge_on_a_session_regenerates_its_access_token(st_core):
    _, tokens = create(payload={"a": 1})
    session = verify(tokens["accessToken"])
    assert session is not None
    session.sync_merge_into_access_token_payload({"b": 2, "a": None})
    new_tokens = session.get_all_session_tokens_dangerously()
    assert new_tokens["accessAndFrontTokenUpdated"] is True
    assert new_tokens["accessToken"] != tokens["accessToken"]
    claims = jwt_part(new_tokens["accessToken"], 1)
    assert claims["b"] == 2
    assert "a" not in claims
    assert claims["exp"] == jwt_part(tokens["accessToken"], 1)["exp"]
    fresh = verify(new_tokens["accessToken"])
    assert fresh is not None
    assert fresh.get_access_token_payload()["b"] == 2


@pytest.mark.anyio
async def test_async_create_verify_refresh_revoke(st_core):
    user_id = new_user_id()
    session = await session_async.create_new_session_without_request_response(
        "public", RecipeUserId(user_id), {"x": 1}
    )
    tokens = session.get_all_session_tokens_dangerously()
    verified = await session_async.get_session_without_request_response(tokens["accessToken"])
    assert verified is not None
    assert verified.get_user_id() == user_id
    refreshed = await session_async.refresh_session_without_request_response(tokens["refreshToken"])
    new = refreshed.get_all_session_tokens_dangerously()
    promoted = await session_async.get_session_without_request_response(new["accessToken"])
    assert promoted is not None
    assert promoted.get_all_session_tokens_dangerously()["accessAndFrontTokenUpdated"] is True
    assert await session_async.revoke_session(session.get_handle()) is True
    with pytest.raises(UnauthorisedError):
        await session_async.get_session_without_request_response(
            new["accessToken"], check_database=True
        )


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_access_token_asks_for_refresh(st_core):
    _, tokens = create()
    expired = st_core.expired_access_token(tokens["accessToken"])
    assert (
        jwt_part(expired, 1)["sessionHandle"] == jwt_part(tokens["accessToken"], 1)["sessionHandle"]
    )
    with pytest.raises(TryRefreshTokenError):
        verify(expired)
    refreshed = refresh_session_without_request_response(tokens["refreshToken"])
    assert verify(refreshed.get_all_session_tokens_dangerously()["accessToken"]) is not None


@pytest.mark.emulator_only(reason="sets the emulator's access token lifetime")
def test_short_access_token_validity(st_core):
    st_core.access_token_validity = 30
    _, tokens = create()
    claims = jwt_part(tokens["accessToken"], 1)
    assert claims["exp"] - claims["iat"] in (29, 30, 31)


@pytest.mark.emulator_only(reason="sets the emulator's refresh token lifetime")
def test_expired_refresh_token_is_unauthorised(st_core):
    st_core.refresh_token_validity = -1
    _, tokens = create()
    with pytest.raises(UnauthorisedError):
        refresh_session_without_request_response(tokens["refreshToken"])
