"""The README's claim examples end to end: email verification (REQUIRED) and user roles.

The SDK is initialised for this module with ``emailverification.init(mode="REQUIRED")`` and
``userroles.init()`` (see tests/sdk_reinit.py); every core call goes to the suite's core.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from supertokens_python.recipe import emailverification, usermetadata, userroles
from supertokens_python.recipe.emailverification.interfaces import (
    CreateEmailVerificationTokenOkResult,
)
from supertokens_python.recipe.emailverification.syncio import (
    create_email_verification_token,
    is_email_verified,
    unverify_email,
    verify_email_using_token,
)
from supertokens_python.recipe.userroles.syncio import (
    add_role_to_user,
    create_new_role_or_add_permissions,
    remove_user_role,
)
from supertokens_python.types import RecipeUserId

from django_st_ssr.testing import unique_email
from tests.sdk_reinit import sdk_initialised_with

PAGE = {"HTTP_ACCEPT": "text/html", "HTTP_SEC_FETCH_MODE": "navigate"}


@pytest.fixture(scope="module", autouse=True)
def claim_recipes() -> Iterator[None]:
    with sdk_initialised_with(
        RECIPES=[
            "supertokens_python.recipe.emailpassword.init",
            emailverification.init(mode="REQUIRED"),
            userroles.init(),
            usermetadata.init(),
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def claim_redirects(settings: Any) -> None:
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "CLAIM_REDIRECTS": {emailverification.EmailVerificationClaim.key: "verify-email"},
    }


def verify(user_id: str, email: str) -> None:
    """What the link in the verification email does, through the SDK."""
    created = create_email_verification_token("public", RecipeUserId(user_id), email)
    assert isinstance(created, CreateEmailVerificationTokenOkResult)
    verify_email_using_token("public", created.token)


def test_unverified_email_is_sent_to_the_claim_redirect_then_verified_sees_the_page(st_login):
    client = Client()
    email = unique_email("ev")
    logged_in = st_login(client, email=email)

    response = client.get("/protected/?tab=1", **PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/verify-email/?redirectBack=/protected/%3Ftab%3D1"

    # The user opens the emailed link while signed in: the SDK's API marks the address verified
    # and updates this session's claim, so the same cookies now open the page.
    token = create_email_verification_token("public", RecipeUserId(logged_in.user_id), email)
    assert isinstance(token, CreateEmailVerificationTokenOkResult)
    answer = client.post(
        "/auth/user/email/verify",
        {"method": "token", "token": token.token},
        content_type="application/json",
        headers={"rid": "emailverification", "origin": "http://localhost:8000"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "OK"
    assert is_email_verified(RecipeUserId(logged_in.user_id), email)

    response = client.get("/protected/?tab=1", **PAGE)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{logged_in.user_id}"


def test_unverified_fetch_gets_403_json_naming_the_claim(st_login):
    client = Client()
    st_login(client, email=unique_email("ev"))
    response = client.get("/protected/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert [e["id"] for e in response.json()["claimValidationErrors"]] == ["st-ev"]


def test_unverifying_takes_the_page_away_at_the_next_sign_in(st_login):
    client = Client()
    email = unique_email("ev")
    user_id = st_login(client, email=email).user_id
    verify(user_id, email)
    st_login(client, email=email)
    assert client.get("/protected/", **PAGE).status_code == 200

    unverify_email(RecipeUserId(user_id), email)
    st_login(client, email=email)
    response = client.get("/protected/", **PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/verify-email/")


def verified_login(st_login: Any, client: Client) -> str:
    email = unique_email("roles")
    user_id: str = st_login(client, email=email).user_id
    verify(user_id, email)
    st_login(client, email=email)  # a new session carries the verified claim
    return user_id


def test_missing_role_gets_the_403_page_then_granted_role_sees_the_page(st_login):
    create_new_role_or_add_permissions("editor", ["articles:write"])
    client = Client()
    user_id = verified_login(st_login, client)
    remove_user_role("public", user_id, "editor")  # the role exists app-wide; start without it

    response = client.get("/editors/", **PAGE)
    assert response.status_code == 403
    assert "st-role" in response.content.decode()

    assert add_role_to_user("public", user_id, "editor").did_user_already_have_role is False
    # The role claim is read at sign-in (and refetched after its max age): sign in again.
    st_login(client, user_id=user_id)
    response = client.get("/editors/", **PAGE)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{user_id}"

    remove_user_role("public", user_id, "editor")
    st_login(client, user_id=user_id)
    assert client.get("/editors/", **PAGE).status_code == 403


def test_missing_permission_gets_the_403_page_then_granted_permission_sees_the_page(st_login):
    create_new_role_or_add_permissions("editor", ["articles:write"])
    client = Client()
    user_id = verified_login(st_login, client)

    response = client.get("/writers/", **PAGE)
    assert response.status_code == 403
    assert "st-perm" in response.content.decode()

    add_role_to_user("public", user_id, "editor")
    st_login(client, user_id=user_id)
    response = client.get("/writers/", **PAGE)
    assert response.status_code == 200
    assert response.content.decode() == f"user:{user_id}"
