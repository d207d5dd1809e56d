"""Email-password users through the real SDK: sign up/in, lookups, updates, password reset."""

from __future__ import annotations

import time

import pytest
from supertokens_python.asyncio import get_user as aget_user
from supertokens_python.recipe.emailpassword import asyncio as ep_async
from supertokens_python.recipe.emailpassword.interfaces import (
    ConsumePasswordResetTokenOkResult,
    CreateResetPasswordOkResult,
    EmailAlreadyExistsError,
    PasswordResetTokenInvalidError,
    SignInOkResult,
    SignUpOkResult,
    UnknownUserIdError,
    UpdateEmailOrPasswordOkResult,
    WrongCredentialsError,
)
from supertokens_python.recipe.emailpassword.syncio import (
    consume_password_reset_token,
    create_reset_password_token,
    sign_in,
    sign_up,
    update_email_or_password,
)
from supertokens_python.syncio import delete_user, get_user, list_users_by_account_info
from supertokens_python.types import RecipeUserId
from supertokens_python.types.base import AccountInfoInput

from django_st_ssr.testing import unique_email

PASSWORD = "correct-horse-1"


def test_sign_up_then_sign_in(st_core):
    email = unique_email()
    signed_up = sign_up("public", email, PASSWORD)
    assert isinstance(signed_up, SignUpOkResult)
    assert signed_up.user.emails == [email]
    assert signed_up.user.login_methods[0].recipe_id == "emailpassword"

    signed_in = sign_in("public", email, PASSWORD)
    assert isinstance(signed_in, SignInOkResult)
    assert signed_in.user.id == signed_up.user.id


def test_emails_are_normalised(st_core):
    email = unique_email()
    user = sign_up("public", "  " + email.upper() + " ", PASSWORD)
    assert isinstance(user, SignUpOkResult)
    assert user.user.emails == [email]
    signed_in = sign_in("public", email.upper(), PASSWORD)
    assert isinstance(signed_in, SignInOkResult)
    assert signed_in.user.id == user.user.id


def test_duplicate_sign_up_and_wrong_password(st_core):
    email = unique_email()
    assert isinstance(sign_up("public", email, PASSWORD), SignUpOkResult)
    assert isinstance(sign_up("public", email, "another-pass-1"), EmailAlreadyExistsError)
    assert isinstance(sign_in("public", email, "wrong-pass-1"), WrongCredentialsError)
    assert isinstance(sign_in("public", unique_email(), PASSWORD), WrongCredentialsError)


def test_user_lookups(st_core):
    email = unique_email()
    user = sign_up("public", email, PASSWORD)
    assert isinstance(user, SignUpOkResult)
    fetched = get_user(user.user.id)
    assert fetched is not None
    assert fetched.id == user.user.id
    assert fetched.emails == [email]
    assert fetched.tenant_ids == ["public"]
    assert get_user("no-such-user-" + user.user.id) is None

    found = list_users_by_account_info("public", AccountInfoInput(email=email.upper()))
    assert [u.id for u in found] == [user.user.id]
    assert list_users_by_account_info("public", AccountInfoInput(email=unique_email())) == []


def test_update_email_and_password(st_core):
    user = sign_up("public", unique_email(), PASSWORD)
    taken = sign_up("public", unique_email(), PASSWORD)
    assert isinstance(user, SignUpOkResult)
    assert isinstance(taken, SignUpOkResult)
    recipe_user_id = RecipeUserId(user.user.id)

    new_email = unique_email()
    updated = update_email_or_password(recipe_user_id, email=new_email, password="new-pass-123")
    assert isinstance(updated, UpdateEmailOrPasswordOkResult)
    assert isinstance(sign_in("public", new_email, "new-pass-123"), SignInOkResult)
    assert isinstance(sign_in("public", new_email, PASSWORD), WrongCredentialsError)

    clash = update_email_or_password(recipe_user_id, email=taken.user.emails[0])
    assert isinstance(clash, EmailAlreadyExistsError)
    unknown = update_email_or_password(RecipeUserId("missing-" + user.user.id), password="x-123456")
    assert isinstance(unknown, UnknownUserIdError)


def test_password_reset_token_is_single_use(st_core):
    email = unique_email()
    user = sign_up("public", email, PASSWORD)
    assert isinstance(user, SignUpOkResult)
    created = create_reset_password_token("public", user.user.id, email)
    assert isinstance(created, CreateResetPasswordOkResult)

    consumed = consume_password_reset_token("public", created.token)
    assert isinstance(consumed, ConsumePasswordResetTokenOkResult)
    assert (consumed.user_id, consumed.email) == (user.user.id, email)
    again = consume_password_reset_token("public", created.token)
    assert isinstance(again, PasswordResetTokenInvalidError)


def test_delete_user(st_core):
    email = unique_email()
    user = sign_up("public", email, PASSWORD)
    assert isinstance(user, SignUpOkResult)
    delete_user(user.user.id)
    assert get_user(user.user.id) is None
    assert isinstance(sign_in("public", email, PASSWORD), WrongCredentialsError)


@pytest.mark.anyio
async def test_async_sign_up_and_sign_in(st_core):
    email = unique_email()
    signed_up = await ep_async.sign_up("public", email, PASSWORD)
    assert isinstance(signed_up, SignUpOkResult)
    signed_in = await ep_async.sign_in("public", email, PASSWORD)
    assert isinstance(signed_in, SignInOkResult)
    assert signed_in.user.id == signed_up.user.id
    fetched = await aget_user(signed_up.user.id)
    assert fetched is not None
    assert fetched.emails == [email]


def test_list_users_newest_first(st_core):
    from supertokens_python.syncio import get_users_newest_first

    ids = []
    for _ in range(2):
        user = sign_up("public", unique_email(), PASSWORD)
        assert isinstance(user, SignUpOkResult)
        ids.append(user.user.id)
        time.sleep(0.002)  # distinct join times, so the order is defined on any core
    page = get_users_newest_first("public", limit=20)
    listed = [u.id for u in page.users]
    assert set(ids) <= set(listed)
    assert listed.index(ids[1]) < listed.index(ids[0])
