"""SuperTokensAuth(email_verified=..., roles=..., permissions=...) on real sign-ups.

The SDK is initialised for this module with the userroles recipe (tests/sdk_reinit.py): roles
and permissions are granted in the core and reach the token at the next sign-in, the email is
verified through the emailverification recipe. Every core call goes to the suite's core.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import AsyncClient, Client
from supertokens_python.recipe import emailverification, userroles
from supertokens_python.recipe.emailverification.interfaces import (
    CreateEmailVerificationTokenOkResult,
)
from supertokens_python.types import RecipeUserId

from django_st_ssr.contrib.ninja import SuperTokensAuth
from django_st_ssr.testing import unique_email
from tests.contrib.ninja_urls import EDITOR, WRITE
from tests.sdk_reinit import sdk_initialised_with

pytestmark = pytest.mark.urls("tests.contrib.ninja_urls")

# What supertokens-web-js's fetch adds to the site's own API calls.
SDK = {"Accept": "application/json", "rid": "anti-csrf", "st-auth-mode": "cookie"}


@pytest.fixture(scope="module", autouse=True)
def role_recipes() -> Iterator[None]:
    with sdk_initialised_with(
        RECIPES=[
            "supertokens_python.recipe.emailpassword.init",
            emailverification.init(mode="OPTIONAL"),
            userroles.init(),
        ]
    ):
        yield


def _claim_errors(response) -> dict[str, dict]:
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["message"] == "invalid claim"
    return {error["id"]: error["reason"] for error in body["claimValidationErrors"]}


def _verify(user_id: str, email: str) -> None:
    from supertokens_python.recipe.emailverification.syncio import (
        create_email_verification_token,
        verify_email_using_token,
    )

    token = create_email_verification_token("public", RecipeUserId(user_id), email)
    assert isinstance(token, CreateEmailVerificationTokenOkResult)
    verify_email_using_token("public", token.token)


def test_email_verified_is_403_until_the_email_is_verified(st_login):
    client = Client(headers=SDK)
    email = unique_email("ninja-ev")
    user_id = st_login(client, email=email).user_id
    assert _claim_errors(client.get("/api/verified")) == {
        "st-ev": {"message": "wrong value", "expectedValue": True, "actualValue": False}
    }
    _verify(user_id, email)
    st_login(client, user_id=user_id)  # the claim is read at sign-in
    response = client.get("/api/verified")
    assert response.status_code == 200
    assert response.json()["user"] == user_id


def test_role_is_403_until_granted_and_again_once_removed(st_login):
    from supertokens_python.recipe.userroles.syncio import (
        add_role_to_user,
        create_new_role_or_add_permissions,
        remove_user_role,
    )

    create_new_role_or_add_permissions(EDITOR, [])
    client = Client(headers=SDK)
    user_id = st_login(client, email=unique_email("ninja-role")).user_id
    reason = _claim_errors(client.get("/api/editors"))["st-role"]
    assert reason["expectedToInclude"] == EDITOR
    assert reason["actualValue"] == []

    add_role_to_user("public", user_id, EDITOR)
    st_login(client, user_id=user_id)
    response = client.get("/api/editors")
    assert response.status_code == 200
    assert response.json()["user"] == user_id

    remove_user_role("public", user_id, EDITOR)
    st_login(client, user_id=user_id)
    assert _claim_errors(client.get("/api/editors"))["st-role"]["actualValue"] == []


def test_permission_comes_with_a_role(st_login):
    from supertokens_python.recipe.userroles.syncio import (
        add_role_to_user,
        create_new_role_or_add_permissions,
    )

    role = f"{EDITOR}-writer"
    create_new_role_or_add_permissions(role, [WRITE])
    client = Client(headers=SDK)
    user_id = st_login(client, email=unique_email("ninja-perm")).user_id
    assert _claim_errors(client.get("/api/writers"))["st-perm"]["expectedToInclude"] == WRITE

    add_role_to_user("public", user_id, role)
    st_login(client, user_id=user_id)
    assert client.get("/api/writers").json()["user"] == user_id


@pytest.mark.anyio
async def test_async_operation_names_every_failing_claim(st_alogin):
    from supertokens_python.recipe.emailverification.asyncio import (
        create_email_verification_token,
        verify_email_using_token,
    )
    from supertokens_python.recipe.userroles.asyncio import (
        add_role_to_user,
        create_new_role_or_add_permissions,
    )

    await create_new_role_or_add_permissions(EDITOR, [])
    client = AsyncClient()  # its client-wide headers never reach an ASGIRequest: per call
    email = unique_email("ninja-both")
    user_id = (await st_alogin(client, email=email)).user_id
    response = await client.get("/api/verified-editors", headers=SDK)
    assert set(_claim_errors(response)) == {"st-ev", "st-role"}
    assert "no-store" in response["Cache-Control"]

    await add_role_to_user("public", user_id, EDITOR)
    await st_alogin(client, user_id=user_id)
    assert set(_claim_errors(await client.get("/api/verified-editors", headers=SDK))) == {"st-ev"}

    token = await create_email_verification_token("public", RecipeUserId(user_id), email)
    assert isinstance(token, CreateEmailVerificationTokenOkResult)
    await verify_email_using_token("public", token.token)
    await st_alogin(client, user_id=user_id)
    response = await client.get("/api/verified-editors", headers=SDK)
    assert response.status_code == 200
    assert response.json()["user"] == user_id


def test_without_a_session_it_is_still_a_401(st_core):
    assert Client(headers=SDK).get("/api/editors").status_code == 401


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_the_checks_make_no_core_calls(st_login):
    from supertokens_python.recipe.userroles.syncio import (
        add_role_to_user,
        create_new_role_or_add_permissions,
    )

    from django_st_ssr.testing import get_emulated_core

    create_new_role_or_add_permissions(EDITOR, [])
    client = Client(headers=SDK)
    user_id = st_login(client, email=unique_email("ninja-calls")).user_id
    add_role_to_user("public", user_id, EDITOR)
    st_login(client, user_id=user_id)
    assert client.get("/api/editors").status_code == 200
    emulator = get_emulated_core()
    emulator.reset_log()
    for _ in range(5):
        assert client.get("/api/editors").status_code == 200
    assert emulator.calls() == 0


@pytest.mark.parametrize("option", ["roles", "permissions"])
def test_a_lone_string_is_refused(option):
    with pytest.raises(TypeError, match=rf'{option}=\["admin"\]'):
        SuperTokensAuth(**{option: "admin"})
