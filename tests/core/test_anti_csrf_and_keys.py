"""Anti-CSRF tokens and signing keys, over raw CDI calls where the configured SDK cannot go."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from supertokens_python.recipe.session import jwks
from supertokens_python.recipe.session.exceptions import TryRefreshTokenError
from supertokens_python.recipe.session.syncio import (
    create_new_session_without_request_response,
    get_session_without_request_response,
)
from supertokens_python.types import RecipeUserId

from .cdi import jwt_part, new_session, post, refresh


def create_raw(st_core, *, anti_csrf: bool, dynamic: bool = True):
    return new_session(st_core, enableAntiCsrf=anti_csrf, useDynamicSigningKey=dynamic)


def verify_raw(st_core, token, anti_csrf_token=None, check_database=False):
    body = {
        "accessToken": token,
        "doAntiCsrfCheck": True,
        "enableAntiCsrf": True,
        "checkDatabase": check_database,
    }
    if anti_csrf_token is not None:
        body["antiCsrfToken"] = anti_csrf_token
    return post(st_core, "/recipe/session/verify", body)


def refresh_raw(st_core, refresh_token, anti_csrf_token=None):
    return refresh(st_core, refresh_token, anti_csrf=True, anti_csrf_token=anti_csrf_token)


def test_anti_csrf_token_is_issued_and_checked_on_verify(st_core):
    created = create_raw(st_core, anti_csrf=True)
    token = created["accessToken"]["token"]
    anti_csrf = created["antiCsrfToken"]
    assert anti_csrf
    assert jwt_part(token, 1)["antiCsrfToken"] == anti_csrf

    assert verify_raw(st_core, token, anti_csrf)["status"] == "OK"
    assert verify_raw(st_core, token, "wrong-" + anti_csrf)["status"] == "TRY_REFRESH_TOKEN"
    assert verify_raw(st_core, token)["status"] == "TRY_REFRESH_TOKEN"


def test_anti_csrf_token_is_checked_and_renewed_on_refresh(st_core):
    created = create_raw(st_core, anti_csrf=True)
    refresh_token = created["refreshToken"]["token"]
    anti_csrf = created["antiCsrfToken"]
    assert refresh_raw(st_core, refresh_token, "wrong-" + anti_csrf)["status"] == "UNAUTHORISED"

    refreshed = refresh_raw(st_core, refresh_token, anti_csrf)
    assert refreshed["status"] == "OK"
    assert refreshed["antiCsrfToken"] not in (None, anti_csrf)
    claims = jwt_part(refreshed["accessToken"]["token"], 1)
    assert claims["antiCsrfToken"] == refreshed["antiCsrfToken"]
    assert claims["parentRefreshTokenHash1"] is not None


def test_without_anti_csrf_there_is_no_token(st_core):
    created = create_raw(st_core, anti_csrf=False)
    assert created.get("antiCsrfToken") is None
    assert jwt_part(created["accessToken"]["token"], 1)["antiCsrfToken"] is None


def test_static_signing_key(st_core):
    created = create_raw(st_core, anti_csrf=False, dynamic=False)
    assert jwt_part(created["accessToken"]["token"], 0)["kid"].startswith("s-")
    kids = {key["kid"] for key in httpx.get(st_core.url + "/.well-known/jwks.json").json()["keys"]}
    assert jwt_part(created["accessToken"]["token"], 0)["kid"] in kids


def test_verify_with_parent_hash_for_a_revoked_session_is_unauthorised(st_core):
    created = create_raw(st_core, anti_csrf=False)
    refreshed = refresh(st_core, created["refreshToken"]["token"])
    handle = created["session"]["handle"]
    post(st_core, "/recipe/session/remove", {"sessionHandles": [handle]})
    body = {
        "accessToken": refreshed["accessToken"]["token"],
        "doAntiCsrfCheck": False,
        "enableAntiCsrf": False,
        "checkDatabase": False,
    }
    assert post(st_core, "/recipe/session/verify", body)["status"] == "UNAUTHORISED"


def _new_token() -> str:
    session = create_new_session_without_request_response(
        "public", RecipeUserId(f"contract-{uuid.uuid4()}")
    )
    return session.get_all_session_tokens_dangerously()["accessToken"]


@pytest.mark.emulator_only(reason="rotates and drops the emulator's signing keys")
def test_key_rotation_keeps_old_tokens_until_their_key_is_dropped(st_core):
    old_token = _new_token()
    assert get_session_without_request_response(old_token) is not None
    old_kid = jwt_part(old_token, 0)["kid"]

    st_core.rotate_keys()
    kids = [key["kid"] for key in httpx.get(st_core.url + "/.well-known/jwks.json").json()["keys"]]
    assert old_kid in kids
    new_token = _new_token()
    new_kid = jwt_part(new_token, 0)["kid"]
    assert new_kid != old_kid
    assert new_kid in kids
    # The SDK refetches the JWKS for an unknown kid, but at most every 500 ms.
    time.sleep(jwks.JWKS_REFETCH_COOLDOWN_MS / 1000 + 0.1)
    assert get_session_without_request_response(new_token) is not None
    assert get_session_without_request_response(old_token) is not None

    st_core.drop_old_keys()
    kids = [key["kid"] for key in httpx.get(st_core.url + "/.well-known/jwks.json").json()["keys"]]
    assert old_kid not in kids
    body = {"accessToken": old_token, "doAntiCsrfCheck": False, "enableAntiCsrf": False}
    assert post(st_core, "/recipe/session/verify", {**body, "checkDatabase": True})["status"] == (
        "TRY_REFRESH_TOKEN"
    )
    jwks.reset_jwks_cache()  # the SDK trusts cached keys for hours; start from the new JWKS
    with pytest.raises(TryRefreshTokenError):
        get_session_without_request_response(old_token)
    assert get_session_without_request_response(new_token) is not None


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_regenerate_keeps_expiry_and_skips_expired_tokens(st_core):
    created = create_raw(st_core, anti_csrf=False)
    token = created["accessToken"]["token"]
    regenerated = post(
        st_core, "/recipe/session/regenerate", {"accessToken": token, "userDataInJWT": {"r": 1}}
    )
    assert regenerated["status"] == "OK"
    new_claims = jwt_part(regenerated["accessToken"]["token"], 1)
    assert new_claims["r"] == 1
    assert new_claims["exp"] == jwt_part(token, 1)["exp"]

    expired = st_core.expired_access_token(token)
    late = post(
        st_core, "/recipe/session/regenerate", {"accessToken": expired, "userDataInJWT": {"r": 2}}
    )
    assert late["status"] == "OK"
    assert "accessToken" not in late
    assert late["session"]["userDataInJWT"]["r"] == 2
