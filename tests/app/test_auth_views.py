"""The auth views (django_st_ssr.auth_urls, mounted under /account/ in tests/urls.py).

Every test talks to the core of the run (emulated or ST_CORE_URI) with fresh emails, and asserts
what a visitor gets: status, redirect target, cookies, the page that follows, the email sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.views.debug import SafeExceptionReporterFilter

from django_st_ssr.testing import unique_email

PASSWORD = "first-Password-1"
TOO_SHORT = "Password must contain at least 8 characters, including a number"
NEW_PASSWORD = "second-Password-2"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def throttle(**limits: Any) -> Any:
    return override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "AUTH_THROTTLE": limits})


def create_user(email: str, password: str = PASSWORD) -> str:
    from supertokens_python.recipe.emailpassword.asyncio import sign_up
    from supertokens_python.recipe.emailpassword.interfaces import SignUpOkResult

    result = async_to_sync(sign_up)("public", email, password)
    assert isinstance(result, SignUpOkResult)
    return str(result.user.id)


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/account/signin/", {"email": email, "password": password, **extra})


def has_session_cookies(response: Any) -> bool:
    cookies = response.cookies
    return all(
        name in cookies and cookies[name].value and cookies[name]["max-age"] != 0
        for name in ("sAccessToken", "sRefreshToken")
    )


def cookie_cleared(response: Any, name: str) -> bool:
    morsel = response.cookies.get(name)
    if morsel is None or morsel.value:
        return False
    expires = morsel["expires"]
    return morsel["max-age"] == 0 or bool(expires and parsedate_to_datetime(expires).year < 2000)


def assert_signed_in_as(client: Client, user_id: str) -> None:
    page = client.get("/protected/", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.content.decode() == f"user:{user_id}"


def assert_signed_out(client: Client) -> None:
    page = client.get("/protected/", headers={"accept": "text/html"})
    assert page.status_code == 302
    assert urlsplit(page["Location"]).path == "/refresh-session/"


def form_errors(response: Any) -> dict[str, list[str]]:
    form = response.context["form"]
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def emailed_link(message: Any) -> str:
    links = re.findall(r"^(http://\S+)$", message.body, flags=re.MULTILINE)
    assert len(links) == 1, message.body
    return str(links[0])


# --- Sign in --------------------------------------------------------------------------------


def test_sign_in_page_renders_the_form_uncached(client: Client) -> None:
    response = client.get("/account/signin/?next=/optional/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="email"' in body
    assert 'type="password"' in body
    assert 'name="next" value="/optional/"' in body
    assert "no-store" in response["Cache-Control"]


def test_sign_in_sets_session_cookies_and_goes_to_next(client: Client, st_core: Any) -> None:
    email = unique_email("signin")
    user_id = create_user(email)
    response = sign_in(client, email, next="/optional/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/optional/?x=1"
    assert has_session_cookies(response)
    assert_signed_in_as(client, user_id)


def test_sign_in_accepts_the_email_in_another_case(client: Client, st_core: Any) -> None:
    email = unique_email("case")
    user_id = create_user(email)
    response = sign_in(client, email.upper())
    assert response.status_code == 302
    assert_signed_in_as(client, user_id)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_sign_in_with_unsafe_next_goes_to_login_redirect_url(
    client: Client, st_core: Any, target: str
) -> None:
    email = unique_email("next")
    create_user(email)
    response = sign_in(client, email, next=target)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    page = client.get("/account/signin/", {"next": target})
    assert "evil.example" not in page.content.decode()


def test_wrong_password_and_unknown_email_read_the_same(client: Client, st_core: Any) -> None:
    email = unique_email("wrong")
    create_user(email)
    wrong_password = sign_in(client, email, "not-the-Password-9")
    unknown_email = sign_in(client, unique_email("nobody"), "not-the-Password-9")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert form_errors(response) == {"__all__": ["Wrong email or password."]}
        assert "sAccessToken" not in response.cookies
    assert_signed_out(client)


def test_sign_in_shows_the_sdk_email_validator_error(client: Client, st_core: Any) -> None:
    response = sign_in(client, "not-an-email")
    assert response.status_code == 200
    assert form_errors(response) == {"email": ["Email is not valid"]}


def test_sign_in_empty_form_is_field_errors_not_a_call(client: Client, st_core: Any) -> None:
    response = client.post("/account/signin/", {})
    assert response.status_code == 200
    assert set(form_errors(response)) == {"email", "password"}


def test_the_password_is_marked_sensitive_and_never_logged(
    client: Client, st_core: Any, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Never-Logged-77"
    with caplog.at_level(logging.DEBUG):
        response = sign_in(client, unique_email("secret"), secret)
    assert secret not in caplog.text
    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert hidden["password"] != secret


@throttle(sign_in_per_account=(3, 60), sign_in_per_client=None)
def test_failed_sign_ins_throttle_the_account_with_429(client: Client, st_core: Any) -> None:
    email = unique_email("throttled")
    user_id = create_user(email)
    for _ in range(3):
        assert sign_in(client, email, "wrong-Password-1").status_code == 200
    # The limit is reached: even the right password waits, from any address.
    other = Client(REMOTE_ADDR="10.0.0.2")
    blocked = sign_in(other, email)
    assert blocked.status_code == 429
    assert form_errors(blocked) == {
        "__all__": ["Too many attempts. Please wait a few minutes and try again."]
    }
    assert "sAccessToken" not in blocked.cookies
    assert_signed_out(other)
    # Other accounts are not affected.
    unrelated = unique_email("unrelated")
    unrelated_id = create_user(unrelated)
    assert sign_in(client, unrelated).status_code == 302
    assert_signed_in_as(client, unrelated_id)
    # After the window, the right password works again.
    cache.clear()
    assert sign_in(other, email).status_code == 302
    assert_signed_in_as(other, user_id)


@throttle(sign_in_per_account=(3, 60), sign_in_per_client=None)
def test_a_successful_sign_in_forgets_earlier_failures(client: Client, st_core: Any) -> None:
    email = unique_email("forgets")
    create_user(email)
    for _ in range(2):
        sign_in(client, email, "wrong-Password-1")
    assert sign_in(client, email).status_code == 302
    for _ in range(2):
        assert sign_in(client, email, "wrong-Password-1").status_code == 200
    assert sign_in(client, email).status_code == 302


@throttle(sign_in_per_account=None, sign_in_per_client=(4, 60))
def test_failed_sign_ins_throttle_the_client_address(st_core: Any) -> None:
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(4):
        assert sign_in(attacker, unique_email("spray"), "guess-Password-1").status_code == 200
    email = unique_email("sprayed")
    create_user(email)
    assert sign_in(attacker, email).status_code == 429
    # Another address signs in to the same account.
    assert sign_in(Client(REMOTE_ADDR="10.0.0.67"), email).status_code == 302


# --- Sign up --------------------------------------------------------------------------------


def test_sign_up_creates_the_user_and_signs_in(client: Client, st_core: Any) -> None:
    from supertokens_python.asyncio import list_users_by_account_info
    from supertokens_python.types.base import AccountInfoInput

    email = unique_email("signup")
    response = client.post(
        "/account/signup/", {"email": email, "password": PASSWORD, "next": "/optional/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/optional/"
    assert has_session_cookies(response)
    users = async_to_sync(list_users_by_account_info)("public", AccountInfoInput(email=email))
    assert len(users) == 1
    assert_signed_in_as(client, users[0].id)
    # The new password signs in from another browser.
    assert sign_in(Client(), email).status_code == 302


def test_sign_up_with_a_taken_email_says_so_on_the_field(client: Client, st_core: Any) -> None:
    email = unique_email("taken")
    create_user(email)
    response = client.post("/account/signup/", {"email": email, "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert form_errors(response) == {"email": ["An account with this email already exists."]}
    assert "sAccessToken" not in response.cookies
    # The account kept its password.
    assert sign_in(Client(), email).status_code == 302


@pytest.mark.parametrize(
    ("email", "password", "errors"),
    [
        ("x@", PASSWORD, {"email": ["Email is not valid"]}),
        (
            None,
            "short1",
            {"password": ["Password must contain at least 8 characters, including a number"]},
        ),
        (None, "lettersonly", {"password": ["Password must contain at least one number"]}),
        (None, "12345678", {"password": ["Password must contain at least one alphabet"]}),
    ],
)
def test_sign_up_shows_the_sdk_field_errors(
    client: Client, st_core: Any, email: str | None, password: str, errors: dict[str, list[str]]
) -> None:
    response = client.post(
        "/account/signup/", {"email": email or unique_email("policy"), "password": password}
    )
    assert response.status_code == 200
    assert form_errors(response) == errors
    # The email typed is kept; the password is not sent back.
    assert password not in response.content.decode()


# --- Sign out -------------------------------------------------------------------------------


def test_sign_out_revokes_the_session_and_clears_cookies(
    client: Client, st_core: Any, st_login: Any
) -> None:
    from supertokens_python.recipe.session.asyncio import get_session_information

    session = st_login(client, email=unique_email("signout"))
    assert client.get("/account/signout/").status_code == 200  # the page, nothing revoked
    assert_signed_in_as(client, session.user_id)

    response = client.post("/account/signout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    for name in ("sAccessToken", "sRefreshToken"):
        assert cookie_cleared(response, name)
    assert async_to_sync(get_session_information)(session.session_handle) is None
    assert_signed_out(client)


def test_sign_out_with_an_expired_access_token_revokes_the_session(
    client: Client, st_core: Any, st_login: Any
) -> None:
    from supertokens_python.recipe.session.asyncio import get_session_information

    session = st_login(client, email=unique_email("signout-expired"))
    st_core.expire_access_token_cookie(client)  # emulator control: a real core skips here
    response = client.post("/account/signout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    for name in ("sAccessToken", "sRefreshToken"):
        assert cookie_cleared(response, name)
    # What supertokens-web-js reads says "signed out" too.
    assert response.cookies["st-last-access-token-update"].value
    assert async_to_sync(get_session_information)(session.session_handle) is None


def test_sign_out_goes_to_a_safe_next_only(client: Client, st_core: Any, st_login: Any) -> None:
    st_login(client, email=unique_email("signout-next"))
    response = client.post("/account/signout/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    st_login(client, email=unique_email("signout-next2"))
    response = client.post("/account/signout/", {"next": "/optional/"})
    assert response["Location"] == "/optional/"


def test_sign_out_needs_the_csrf_token(st_core: Any, st_login: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    session = st_login(client, email=unique_email("csrf"))
    assert client.post("/account/signout/").status_code == 403
    assert_signed_in_as(client, session.user_id)


# --- Password reset -------------------------------------------------------------------------


def request_reset(client: Client, email: str) -> Any:
    return client.post("/account/password-reset/", {"email": email})


def test_password_reset_journey(
    client: Client, st_core: Any, st_login: Any, mailoutbox: list[Any]
) -> None:
    from supertokens_python.recipe.session.asyncio import get_session_information

    email = unique_email("reset")
    create_user(email)
    handle = st_login(Client(), email=email).session_handle

    response = request_reset(client, email)
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert client.get(response["Location"]).status_code == 200

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [email]
    assert message.from_email == "tests@example.com"
    assert message.subject == "Reset your django-st-ssr tests password"
    link = emailed_link(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link.replace("&", "&amp;")}"' in html
    parts = urlsplit(link)
    # The website APP_INFO names, not the Host header of the request.
    assert f"{parts.scheme}://{parts.netloc}" == "http://localhost:8000"
    assert parts.path == "/account/password-reset/confirm/"

    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    token = parse_qs(parts.query)["token"][0]
    assert f'value="{token}"' in page.content.decode()

    mismatch = client.post(
        page.request["PATH_INFO"],
        {"token": token, "new_password1": NEW_PASSWORD, "new_password2": "other-Password-3"},
    )
    assert form_errors(mismatch) == {"new_password2": ["The two passwords do not match."]}
    weak = client.post(
        "/account/password-reset/confirm/",
        {"token": token, "new_password1": "weakweak", "new_password2": "weakweak"},
    )
    assert form_errors(weak) == {"new_password1": ["Password must contain at least one number"]}

    done = client.post(
        "/account/password-reset/confirm/",
        {"token": token, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == "/account/password-reset/complete/"
    complete = client.get(done["Location"])
    assert 'href="/login/"' in complete.content.decode()
    # Sent to sign in, not signed in.
    assert "sAccessToken" not in done.cookies

    assert form_errors(sign_in(Client(), email)) == {"__all__": ["Wrong email or password."]}
    assert sign_in(Client(), email, NEW_PASSWORD).status_code == 302
    # The session that was open elsewhere is gone.
    assert async_to_sync(get_session_information)(handle) is None

    again = client.post(
        "/account/password-reset/confirm/",
        {"token": token, "new_password1": "third-Password-3", "new_password2": "third-Password-3"},
    )
    assert again.status_code == 200
    assert form_errors(again) == {
        "__all__": ["This password reset link is invalid or has expired. Please ask for a new one."]
    }
    assert sign_in(Client(), email, NEW_PASSWORD).status_code == 302


@override_settings(ALLOWED_HOSTS=["*"])
def test_a_forged_host_header_does_not_reach_the_emailed_link(
    st_core: Any, mailoutbox: list[Any]
) -> None:
    email = unique_email("poison")
    create_user(email)
    response = Client(HTTP_HOST="evil.example").post("/account/password-reset/", {"email": email})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert "evil.example" not in message.body
    assert emailed_link(message).startswith("http://localhost:8000/account/password-reset/")


def test_reset_request_for_an_unknown_email_reads_the_same_and_sends_nothing(
    client: Client, st_core: Any, mailoutbox: list[Any]
) -> None:
    response = request_reset(client, unique_email("unknown"))
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert mailoutbox == []


@pytest.mark.parametrize("token", ["made-up", "x" * 1000, "../../recipe/user"])
def test_a_forged_reset_token_is_a_form_error(client: Client, st_core: Any, token: str) -> None:
    response = client.post(
        "/account/password-reset/confirm/",
        {"token": token, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "__all__" in form_errors(response)


def test_a_reset_link_without_token_says_it_is_incomplete(client: Client) -> None:
    response = client.get("/account/password-reset/confirm/")
    assert response.status_code == 200
    assert "This password reset link is incomplete." in response.content.decode()


@override_settings(
    SUPERTOKENS={
        **settings.SUPERTOKENS,
        "AUTH_THROTTLE": {"password_reset_per_account": (2, 60)},
    }
)
def test_reset_requests_are_throttled_per_account(
    client: Client, st_core: Any, mailoutbox: list[Any]
) -> None:
    email = unique_email("reset-throttle")
    create_user(email)
    assert request_reset(client, email).status_code == 302
    assert request_reset(Client(REMOTE_ADDR="10.1.1.1"), email).status_code == 302
    blocked = request_reset(Client(REMOTE_ADDR="10.1.1.2"), email)
    assert blocked.status_code == 429
    assert form_errors(blocked) == {
        "__all__": ["Too many attempts. Please wait a few minutes and try again."]
    }
    assert len(mailoutbox) == 2
    # Unknown accounts are throttled alike: the 429 reveals nothing.
    nobody = unique_email("reset-nobody")
    request_reset(client, nobody)
    request_reset(client, nobody)
    assert request_reset(client, nobody).status_code == 429


@throttle(password_reset_per_account=None, password_reset_per_client=(2, 60))
def test_reset_requests_are_throttled_per_client(st_core: Any, mailoutbox: list[Any]) -> None:
    client = Client(REMOTE_ADDR="10.2.2.2")
    request_reset(client, unique_email("a"))
    request_reset(client, unique_email("b"))
    assert request_reset(client, unique_email("c")).status_code == 429
    assert request_reset(Client(REMOTE_ADDR="10.2.2.3"), unique_email("d")).status_code == 302


# --- Email verification ---------------------------------------------------------------------


def sign_up(client: Client, email: str, next_url: str = "/optional/") -> Any:
    response = client.post(
        "/account/signup/", {"email": email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    return response


def verification_emails(outbox: list[Any], email: str) -> list[Any]:
    return [m for m in outbox if m.to == [email] and m.subject.startswith("Verify your email")]


def test_sign_up_verify_email_journey(client: Client, st_core: Any, mailoutbox: list[Any]) -> None:
    email = unique_email("verify")
    sign_up(client, email, next_url="/verified-only/?x=1")
    # The claim redirect: the page needing a verified email sends to the verification page.
    page = client.get("/verified-only/?x=1", headers={"accept": "text/html"})
    assert page.status_code == 302
    assert page["Location"] == "/account/verify-email/?redirectBack=/verified-only/%3Fx%3D1"
    waiting = client.get(page["Location"])
    assert waiting.status_code == 200
    assert "Send the link again" in waiting.content.decode()

    # Sign-up sent one email; the button sends another.
    assert len(verification_emails(mailoutbox, email)) == 1
    not_yet = client.post(page["Location"], {"action": "continue"})
    assert not_yet.status_code == 200
    assert 'id="verification-needed"' in not_yet.content.decode()
    again = client.post(page["Location"], {"action": "send"})
    assert again.status_code == 200
    assert 'id="verification-sent"' in again.content.decode()
    messages = verification_emails(mailoutbox, email)
    assert len(messages) == 2
    assert messages[0].subject == "Verify your email for django-st-ssr tests"

    link = urlsplit(emailed_link(messages[0]))
    assert link.path == "/account/verify-email/confirm/"
    assert parse_qs(link.query)["next"] == ["/verified-only/?x=1"]
    confirm = client.get(f"{link.path}?{link.query}")
    assert confirm.status_code == 200
    assert confirm["Referrer-Policy"] == "same-origin"
    token = parse_qs(link.query)["token"][0]
    done = client.post(f"{link.path}?{link.query}", {"token": token})
    assert done.status_code == 302
    assert done["Location"] == "/verified-only/?x=1"
    # The access token was updated on that response: the page opens at once.
    page = client.get("/verified-only/?x=1", headers={"accept": "text/html"})
    assert page.status_code == 200
    # The verification page now says so, and sends on.
    verified = client.get("/account/verify-email/?redirectBack=/verified-only/")
    assert 'id="email-verified"' in verified.content.decode()
    onward = client.post("/account/verify-email/?redirectBack=/verified-only/", {"action": "send"})
    assert onward.status_code == 302
    assert onward["Location"] == "/verified-only/"
    # A second link of the same address is spent with the first (the email is verified).
    second = urlsplit(emailed_link(messages[1]))
    spent = client.post(second.path, {"token": parse_qs(second.query)["token"][0]})
    assert spent.status_code in (200, 302)


def test_verification_link_opened_signed_out_verifies_and_goes_on(
    st_core: Any, mailoutbox: list[Any]
) -> None:
    email = unique_email("verify-elsewhere")
    sign_up(Client(), email)
    (message,) = verification_emails(mailoutbox, email)
    link = urlsplit(emailed_link(message))
    other = Client()
    done = other.post(link.path, {"token": parse_qs(link.query)["token"][0], "next": "/optional/"})
    assert done.status_code == 302
    assert done["Location"] == "/optional/"
    assert "sAccessToken" not in done.cookies
    # Signing in now gives a session whose email claim passes.
    assert sign_in(other, email).status_code == 302
    page = other.get("/verified-only/", headers={"accept": "text/html"})
    assert page.status_code == 200


@pytest.mark.parametrize("token", ["", "made-up", "y" * 1000])
def test_a_forged_verification_token_is_a_form_error(
    client: Client, st_core: Any, token: str
) -> None:
    response = client.post("/account/verify-email/confirm/", {"token": token})
    assert response.status_code == 200
    assert form_errors(response) in (
        {"token": ["This field is required."]},
        {
            "__all__": [
                "This verification link is invalid or has expired. Sign in to get a new one."
            ]
        },
    )


def test_the_verification_page_needs_a_session(client: Client, st_core: Any) -> None:
    response = client.get("/account/verify-email/", headers={"accept": "text/html"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/refresh-session/"
    assert client.post("/account/verify-email/").status_code in (302, 401)


def test_the_verification_page_ignores_an_unsafe_target(client: Client, st_core: Any) -> None:
    from supertokens_python.recipe.emailverification.asyncio import (
        create_email_verification_token,
        verify_email_using_token,
    )
    from supertokens_python.types import RecipeUserId

    email = unique_email("verified")
    user_id = create_user(email)

    async def verify() -> None:
        token = await create_email_verification_token("public", RecipeUserId(user_id), email)
        await verify_email_using_token("public", token.token)  # type: ignore[union-attr]

    async_to_sync(verify)()
    assert sign_in(client, email).status_code == 302
    response = client.post(
        "/account/verify-email/?redirectBack=//evil.example/", {"action": "continue"}
    )
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


# --- System checks --------------------------------------------------------------------------


def auth_check_ids() -> list[str]:
    from django_st_ssr.checks import check_auth_views

    return [message.id for message in check_auth_views() if message.id]


def test_checks_pass_with_django_email_delivery() -> None:
    assert auth_check_ids() == []


def test_check_warns_when_emails_would_go_to_supertokens_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from supertokens_python.recipe.emailpassword.emaildelivery.services.backward_compatibility import (  # noqa: E501
        BackwardCompatibilityService,
    )
    from supertokens_python.recipe.emailpassword.recipe import EmailPasswordRecipe

    ingredient = EmailPasswordRecipe.get_instance().email_delivery
    default = object.__new__(BackwardCompatibilityService)
    monkeypatch.setattr(ingredient, "ingredient_interface_impl", default)
    assert auth_check_ids() == ["django_st_ssr.W020"]
    # A site without the auth views chose the SDK's delivery: nothing to say.
    with override_settings(ROOT_URLCONF="tests.app.urls_without_refresh"):
        assert auth_check_ids() == []


@pytest.mark.parametrize(
    "bad",
    [
        {"AUTH_THROTTLE": {"sign_in_per_account": 5}},
        {"AUTH_THROTTLE": {"sign_in_per_acount": (5, 60)}},
        {"AUTH_THROTTLE": {"sign_in_per_client": (0, 60)}},
        {"AUTH_THROTTLE_CACHE": "nowhere"},
    ],
)
def test_bad_throttle_settings_are_errors(bad: dict[str, Any]) -> None:
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, **bad}):
        assert auth_check_ids() == ["django_st_ssr.E020"]
