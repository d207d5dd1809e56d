"""Emails, passwords and password-reset tokens never reach a log record of ours or Django's.

The SDK's own debug log (``SUPERTOKENS["DEBUG"]``) does write emails and reset links: a deploy
check warns about it (W004), and the README says so next to the setting.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from supertokens_python.async_to_sync_wrapper import sync
from supertokens_python.asyncio import list_users_by_account_info
from supertokens_python.recipe.emailpassword.asyncio import create_reset_password_token
from supertokens_python.types.base import AccountInfoInput

from django_st_ssr import checks
from django_st_ssr.testing import unique_email

# Loggers that are not ours to silence: the SDK's debug log and its HTTP client's request lines
# (httpx logs every core URL, emails in the query string, at INFO: README "Logs").
NOT_OURS = ("com.supertokens", "httpx", "httpcore")


def form(**fields: str) -> str:
    return json.dumps({"formFields": [{"id": k, "value": v} for k, v in fields.items()]})


def test_sign_up_sign_in_and_password_reset_log_no_secret(st_core: Any, log_sink: Any) -> None:
    email, password, new_password = unique_email("logs"), "First-pw-4821", "Second-pw-9137"
    client = Client()
    signed_up = client.post("/auth/signup", form(email=email, password=password), "text/plain")
    assert signed_up.json()["status"] == "OK"
    wrong = Client().post("/auth/signin", form(email=email, password="Wrong-pw-1"), "text/plain")
    assert wrong.json()["status"] == "WRONG_CREDENTIALS_ERROR"

    (user,) = sync(list_users_by_account_info("public", AccountInfoInput(email=email)))
    token = sync(create_reset_password_token("public", user.id, email)).token
    reset_body = json.dumps(
        {
            "method": "token",
            "token": token,
            "formFields": [{"id": "password", "value": new_password}],
        }
    )
    reset = Client().post("/auth/user/password/reset", reset_body, "text/plain")
    assert reset.json()["status"] == "OK"
    replayed = Client().post("/auth/user/password/reset", reset_body, "text/plain")
    assert replayed.json()["status"] == "RESET_PASSWORD_INVALID_TOKEN_ERROR"
    signed_in = Client().post(
        "/auth/signin", form(email=email, password=new_password), "text/plain"
    )
    assert signed_in.json()["status"] == "OK"

    ours = [line for line in log_sink.lines if not line.startswith(NOT_OURS)]
    assert ours, "the sink saw nothing: it would not see a leak either"
    for secret in (email, email.split("@")[0], password, new_password, token):
        assert not any(secret in line for line in ours), secret


@pytest.mark.parametrize(
    ("debug", "env", "expected"),
    [(False, "", []), (True, "", ["django_st_ssr.W004"]), (False, "1", ["django_st_ssr.W004"])],
)
def test_check_deploy_warns_about_the_sdk_debug_log(
    monkeypatch: Any, debug: bool, env: str, expected: list[str]
) -> None:
    monkeypatch.setenv("SUPERTOKENS_DEBUG", env)
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "DEBUG": debug}):
        assert [m.id for m in checks.check_sdk_debug_log()] == expected
