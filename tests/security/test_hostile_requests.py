"""Hostile headers, forged loop-guard cookies and junk sent to the SDK's refresh API.

Pages: whatever the headers say (Accept, Sec-Fetch-*, rid, anti-csrf, st-auth-mode, forwarded
host/proto, Authorization...), the answer is safe (``assert_safe``) and a valid session still
shows its owner and nobody else. The refresh API: a junk, truncated, duplicated or huge refresh
token is a 401 (or the 400 for duplicated cookies), never a 500, and never issues tokens.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as settings_module
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_st_ssr import responses
from django_st_ssr.redirects import LOOP_COOKIE_NAME
from django_st_ssr.testing.plugin import login
from tests.security import hostile
from tests.security.conftest import PAGES, PROTECTED, assert_safe

pytestmark = pytest.mark.urls("tests.security.urls")

# Any 32 letters and digits are a valid unmasked CSRF secret for Django's CsrfViewMiddleware.
CSRF_TOKEN = "hostileCsrfSecret0123456789abcde"

HYPOTHESIS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def as_sent(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


@pytest.fixture(scope="module")
def owner(st_core: Any) -> Any:
    return login(Client())


headers_strategy = st.dictionaries(
    hostile.header_names, hostile.header_values.map(as_sent), min_size=1, max_size=5
)


@HYPOTHESIS
@given(headers=headers_strategy, signed_in=st.booleans(), method=st.sampled_from(["get", "head"]))
def test_hostile_headers_on_pages(
    owner: Any, log_sink: Any, headers: dict[str, str], signed_in: bool, method: str
) -> None:
    cookie = f"sAccessToken={owner.access_token}" if signed_in else ""
    for page in PAGES:
        response = getattr(Client(), method)(page, HTTP_COOKIE=cookie, **headers)
        if method == "head":
            assert response.status_code < 500
            continue
        outcome = assert_safe(response, user=owner.user_id if signed_in else None, path=page)
        if signed_in:
            # Headers cannot take a valid session away from a page that reads cookies.
            assert outcome == "page", f"{page}: {outcome} for {headers}"
    log_sink.assert_free_of([owner.access_token, owner.refresh_token])


def csrf_client() -> Client:
    """A client holding a valid Django CSRF cookie, and the token to send with it."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings_module.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return client


# Eight requests per example, each now reaching the session check (and the core, for the
# check_database pages): fewer examples keep it to seconds.
@settings(HYPOTHESIS, max_examples=30)
@given(headers=headers_strategy, body=st.binary(max_size=200))
def test_hostile_unsafe_methods_on_protected_pages(
    owner: Any, headers: dict[str, str], body: bytes
) -> None:
    # POSTs that pass Django's CSRF check (a valid token), so they reach this package: without a
    # session our 401, with one the owner's page. A hostile Origin or Referer may still make
    # Django refuse first (its 403 page); never another user, never a 500.
    for page in PROTECTED:
        for signed_in in (False, True):
            client = csrf_client()
            if signed_in:
                client.cookies["sAccessToken"] = owner.access_token
            response = client.post(
                page,
                body,
                content_type="application/octet-stream",
                HTTP_X_CSRFTOKEN=CSRF_TOKEN,
                **headers,
            )
            status = response.status_code
            if status == 403:
                assert b"CSRF verification failed" in response.content, (page, headers)
            elif signed_in:
                assert (status, response.content.decode()) == (200, f"user:{owner.user_id}")
            elif responses.is_form_post(response.wsgi_request):
                # A browser's form: kept through the refresh (307 to it, on this host), or a page
                # that keeps the data; never raw JSON on a navigation.
                assert status in (307, 401), (page, status, headers)
                if status == 307:
                    assert response["Location"].startswith("/"), response["Location"]
                else:
                    assert response["Content-Type"].startswith("text/html"), headers
            else:
                assert status == 401, (page, status)
                assert response.json() == {"message": "try refresh token"}


def test_unsafe_methods_with_a_valid_csrf_token_reach_the_session_check(owner: Any) -> None:
    # The property test above is only worth something if such requests get past Django.
    for page in PROTECTED:
        anonymous = csrf_client().post(page, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
        assert anonymous.status_code == 401, page
        client = csrf_client()
        client.cookies["sAccessToken"] = owner.access_token
        signed_in = client.post(page, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
        assert signed_in.content.decode() == f"user:{owner.user_id}", page


@pytest.mark.parametrize(
    "host", ["evil.example", "testserver.evil.example", "a b", "testserver@evil"]
)
def test_disallowed_host_is_a_400_not_a_redirect(owner: Any, host: str) -> None:
    for page in PAGES:
        response = Client().get(page, HTTP_HOST=host)
        assert response.status_code == 400, page
        assert "Location" not in response


@HYPOTHESIS
@given(value=hostile.cookie_text.map(as_sent))
def test_forged_loop_guard_cookie(value: str) -> None:
    # The loop guard's counter is signed; a forged one is just "no attempts yet".
    client = Client()
    response = client.get("/page/", HTTP_COOKIE=f"{LOOP_COOKIE_NAME}={value}")
    assert assert_safe(response, path="/page/") == "refresh"
    assert "error=loop" not in response["Location"]


def test_loop_guard_ends_on_the_error_page() -> None:
    # The other side: a browser that keeps coming back without a usable session stops after
    # MAX_REFRESH_ATTEMPTS redirects, on the error page, not in a loop.
    client = Client()
    locations = [client.get("/page/")["Location"] for _ in range(4)]
    assert all(loc.startswith("/refresh-session/?redirectBack=") for loc in locations[:3])
    assert locations[3] == "/refresh-session/?error=loop"
    page = client.get(locations[3]).content.decode()
    assert "We cannot keep you signed in" in page
    assert "django-st-ssr-config" not in page  # no script: nothing will try again


# -- the refresh API --------------------------------------------------------------------------

REFRESH_HEADERS = {"rid": "session", "fdi-version": "4.0", "st-auth-mode": "cookie"}


@st.composite
def refresh_cookies(draw: st.DrawFn, owner: Any) -> tuple[str, bool]:
    """(Cookie header, whether it carries two refresh cookies) for a refresh call."""
    token = draw(
        st.one_of(
            hostile.cookie_text,
            st.integers(0, len(owner.refresh_token) - 1).map(lambda n: owner.refresh_token[:n]),
            st.text(alphabet="AZaz09-_", min_size=1, max_size=20).map(
                lambda j: owner.refresh_token + j
            ),
            st.just("A" * 16384),
            hostile.jwt_like,
        )
    )
    shape = draw(st.sampled_from(["alone", "with_access", "dup", "encoded"]))
    if shape == "alone":
        return as_sent(f"sRefreshToken={token}"), False
    if shape == "with_access":
        return as_sent(f"sRefreshToken={token}; sAccessToken={owner.access_token}"), False
    if shape == "dup":
        return as_sent(f"sRefreshToken={owner.refresh_token}; sRefreshToken={token}"), True
    return as_sent(f"sRefreshToken={owner.refresh_token}; sRefresh%54oken={token}"), True


@HYPOTHESIS
@given(
    data=st.data(),
    headers=st.dictionaries(hostile.header_names, hostile.header_values.map(as_sent), max_size=3),
)
def test_junk_refresh_tokens_never_refresh_and_never_500(
    owner: Any, log_sink: Any, data: Any, headers: dict[str, str]
) -> None:
    cookie, duplicated = data.draw(refresh_cookies(owner))
    response = Client().post(
        "/auth/session/refresh", HTTP_COOKIE=cookie, headers=REFRESH_HEADERS, **headers
    )
    issued = [morsel.value for morsel in response.cookies.values()]
    log_sink.assert_free_of([owner.access_token, owner.refresh_token, *issued])
    # 403: a hostile Origin/Sec-Fetch-Site header made it a cross-site call, refused first.
    if duplicated:
        # The owner's own token is in there too. 400 when the SDK's cookie parser sees both; it
        # skips values containing '=', and then the owner's token alone may refresh (200).
        assert response.status_code in (200, 400, 401, 403), response.status_code
        return
    assert response.status_code in (401, 403), response.status_code
    new_tokens = [
        name
        for name in ("sAccessToken", "sRefreshToken")
        if name in response.cookies and response.cookies[name].value
    ]
    assert new_tokens == []


def test_valid_refresh_token_does_refresh(st_core: Any) -> None:
    # The positive control for the property above.
    session = login(Client())
    response = Client().post(
        "/auth/session/refresh",
        HTTP_COOKIE=f"sRefreshToken={session.refresh_token}",
        headers=REFRESH_HEADERS,
    )
    assert response.status_code == 200
    assert response.cookies["sAccessToken"].value
    assert response.cookies["sRefreshToken"].value


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_tabs_beyond_the_loop_guard_recover_on_reload(st_core: Any, st_login: Any) -> None:
    # Four tabs opened at once on an expired token: the fourth meets the loop guard (README,
    # "The loop guard"); once one refresh page has renewed the session, a reload shows the page.
    client = Client()
    session = st_login(client)
    st_core.expire_access_token_cookie(client)
    locations = [client.get("/page/")["Location"] for _ in range(4)]
    assert locations[3] == "/refresh-session/?error=loop"
    assert client.post("/auth/session/refresh", headers=REFRESH_HEADERS).status_code == 200
    assert client.get("/page/").content.decode() == f"user:{session.user_id}"
