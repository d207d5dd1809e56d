"""Forged, broken and duplicated session cookies never get anyone in, never give a 500.

Each example throws one cookie arrangement at every kind of page (protected sync/async,
check_database sync/async, optional, the plain page using the lazy ``request.st_session``) and
checks the answer with ``assert_safe``: the page as nobody (or as the real owner of an untouched
valid token), a redirect to our refresh/login page, or a 401/403. All log records of all loggers
are captured at DEBUG and must not contain any cookie value sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_st_ssr.testing.plugin import login
from tests.security import hostile
from tests.security.conftest import PAGES, PROTECTED, asgi_get, assert_safe

pytestmark = pytest.mark.urls("tests.security.urls")

ASGI_PAGES = ("/page/", "/apage/", "/adatabase/", "/", "/ahome/")

HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Victim:
    user_id: str
    access: str = field(repr=False)
    refresh: str = field(repr=False)
    kids: tuple[str, ...] = field(repr=False)
    pems: tuple[bytes, ...] = field(repr=False)


@pytest.fixture(scope="module")
def victim(st_core: Any) -> Victim:
    from django_st_ssr.testing import core_uri_from_env_or_emulator

    session = login(Client())
    url = core_uri_from_env_or_emulator()
    return Victim(
        user_id=session.user_id,
        access=session.access_token,
        refresh=session.refresh_token,
        kids=hostile.core_kids(url),
        pems=hostile.core_public_pems(url),
    )


def forged_tokens(v: Victim) -> st.SearchStrategy[str]:
    """Access-token values an attacker can produce without the core's private key."""
    kid = st.sampled_from(v.kids)
    canary = st.uuids().map(lambda u: f"canary-{u.hex}")
    payload = st.builds(
        lambda c, target, ttl: hostile.claims(target, canary=c, exp=int(time.time()) + ttl),
        canary,
        st.sampled_from([v.user_id, "admin", "0"]),
        st.integers(min_value=60, max_value=2**40),
    )
    header, _body, signature = v.access.split(".")
    # Not whitespace or ';': a cookie parser strips or splits those, leaving the valid token.
    junk = st.text(alphabet='AZaz09-_.=+/%"é', min_size=1, max_size=40)
    valid_cut = st.integers(min_value=0, max_value=len(v.access) - 1).map(lambda n: v.access[:n])
    return st.one_of(
        hostile.cookie_text,
        hostile.jwt_like,
        valid_cut,
        junk.map(lambda j: v.access + j),
        junk.map(lambda j: v.access + "." + j),
        st.builds(hostile.alg_none, kid, payload),
        st.builds(hostile.alg_none, kid, payload, st.sampled_from(["None", "NONE", "", "HS256"])),
        st.builds(
            lambda pem, kid_, p: hostile.hs256_with_public_key(pem, kid_, p),
            st.sampled_from(v.pems),
            kid,
            payload,
        ),
        st.builds(hostile.signed_with_attacker_key, kid, payload),
        st.builds(
            hostile.signed_with_attacker_key,
            st.sampled_from(["d-unknown", "s-unknown", "", "../../etc/passwd"]),
            payload,
        ),
        # The victim's header and signature around a payload of the attacker's choosing.
        payload.map(lambda p: f"{header}.{hostile.b64json(p)}.{signature}"),
        st.just("A" * 16384),
        st.just(v.access + "A" * 16384),
        st.sampled_from(["é", "\u202e", "😀", "\u0000x"]).map(lambda c: v.access[:40] + c),
    )


@st.composite
def arrangements(draw: st.DrawFn, v: Victim) -> tuple[list[tuple[str, str]], str | None]:
    """(cookies, the user a page may show) for one request."""
    token = draw(forged_tokens(v))
    shape = draw(
        st.sampled_from(
            [
                "alone",
                "with_refresh",
                "dup_after",
                "dup_before",
                "dup_same",
                "bad_refresh",
                "legacy",
                "encoded_name",
            ]
        )
    )
    if shape == "alone":
        return [(hostile.ACCESS, token)], None
    if shape == "with_refresh":
        return [(hostile.ACCESS, token), (hostile.REFRESH, v.refresh)], None
    # From here on the victim's own untouched token is in the request too: the page may show
    # the victim (or ask for a refresh, as the SDK does for duplicates), but nobody else.
    if shape == "dup_after":
        return [(hostile.ACCESS, v.access), (hostile.ACCESS, token)], v.user_id
    if shape == "dup_before":
        return [(hostile.ACCESS, token), (hostile.ACCESS, v.access)], v.user_id
    if shape == "dup_same":
        return [(hostile.ACCESS, v.access), (hostile.ACCESS, v.access)], v.user_id
    if shape == "bad_refresh":
        return [(hostile.ACCESS, v.access), (hostile.REFRESH, token)], v.user_id
    if shape == "legacy":
        return [(hostile.ACCESS, v.access), ("sIdRefreshToken", token)], v.user_id
    # A second access cookie hidden from Django's parser but not from the SDK's.
    return [(hostile.ACCESS, v.access), ("sAccess%54oken", token)], v.user_id


def as_sent(text: str) -> str:
    # Servers hand Django a header's bytes decoded as latin-1 (WSGI and ASGI alike).
    return text.encode("utf-8").decode("latin-1")


def cookie_header(cookies: list[tuple[str, str]]) -> str:
    return as_sent("; ".join(f"{name}={value}" for name, value in cookies))


@HYPOTHESIS
@given(data=st.data())
def test_forged_cookies_are_safe_on_every_page(victim: Victim, log_sink: Any, data: Any) -> None:
    cookies, user = data.draw(arrangements(victim))
    header = cookie_header(cookies)
    client = Client()
    for page in PAGES:
        outcome = assert_safe(client.get(page, HTTP_COOKIE=header), user=user, path=page)
        if page in PROTECTED and user is None:
            assert outcome != "page", f"{page} rendered for a forged cookie"
    # The same bytes through the ASGI handler (the async middleware path).
    raw = [(b"cookie", "; ".join(f"{n}={v}" for n, v in cookies).encode("utf-8"))]
    for page in ASGI_PAGES:
        outcome = assert_safe(asgi_get(page, raw), user=user, path=f"ASGI {page}")
        if page in PROTECTED and user is None:
            assert outcome != "page", f"ASGI {page} rendered for a forged cookie"
    log_sink.assert_free_of([victim.access, victim.refresh, *(value for _, value in cookies)])


@HYPOTHESIS
@given(token=st.data())
def test_forged_bearer_header_is_ignored(victim: Victim, log_sink: Any, token: Any) -> None:
    # SSR reads cookies only: a header token must neither let anyone in nor break the page.
    value = token.draw(forged_tokens(victim))
    client = Client()
    for page in PAGES:
        assert_safe(client.get(page, HTTP_AUTHORIZATION=as_sent(f"Bearer {value}")), path=page)
        assert_safe(
            client.get(
                page,
                HTTP_AUTHORIZATION=f"Bearer {victim.access}",
                HTTP_COOKIE=cookie_header([(hostile.ACCESS, value)]),
            ),
            path=page,
        )
    log_sink.assert_free_of([victim.access, value])


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"exp": -60}, id="expired"),
        pytest.param({"iat": 3600}, id="future-iat"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"sessionHandle": None}, id="no-sessionHandle"),
        pytest.param({"refreshTokenHash1": None}, id="no-refreshTokenHash1"),
        pytest.param({"tId": None}, id="no-tId"),
        pytest.param({"rsub": None}, id="no-rsub"),
        pytest.param({"exp": None}, id="no-exp"),
        pytest.param({"iat": None}, id="no-iat"),
        pytest.param({"stt": 1}, id="refresh-token-type"),
        pytest.param({"sub": 12345}, id="numeric-sub"),
        pytest.param({"exp": "tomorrow"}, id="string-exp"),
        pytest.param({"aud": "somebody"}, id="aud"),
        pytest.param({"nbf": 3600}, id="future-nbf"),
    ],
)
def test_validly_signed_but_wrong_tokens_are_refused(
    st_core: Any, log_sink: Any, change: dict[str, Any]
) -> None:
    """Tokens signed with the core's own key whose claims are wrong or expired."""
    client = Client()
    session = login(client, user_id="victim-signed")
    claims = hostile.claims("victim-signed", sessionHandle=session.session_handle)
    now = int(time.time())
    for key, delta in change.items():
        if delta is None:
            claims.pop(key, None)
        elif key in ("exp", "iat", "nbf") and isinstance(delta, int):
            claims[key] = now + delta
        else:
            claims[key] = delta
    token = st_core.keys.sign(claims)
    for page in PAGES:
        outcome = assert_safe(client.get(page, HTTP_COOKIE=f"sAccessToken={token}"), path=page)
        if page in PROTECTED:
            assert outcome == "refresh", f"{page}: {outcome}"
    log_sink.assert_free_of([token, session.access_token, session.refresh_token])


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
def test_static_key_token_when_dynamic_keys_are_configured(st_core: Any) -> None:
    # A "s-" kid while the SDK expects dynamic keys: the SDK's kid-prefix rule says try-refresh.
    client = Client()
    session = login(client, user_id="victim-static")
    token = st_core.keys.sign(
        hostile.claims("victim-static", sessionHandle=session.session_handle), dynamic=False
    )
    response = client.get("/page/", HTTP_COOKIE=f"sAccessToken={token}")
    assert assert_safe(response, path="/page/") == "refresh"


def test_valid_cookie_still_works(victim: Victim) -> None:
    # The oracle's other half: the untouched token of the victim does render the victim.
    client = Client()
    for page in PAGES:
        response = client.get(page, HTTP_COOKIE=f"sAccessToken={victim.access}")
        assert response.status_code == 200, page
        assert response.content.decode() == f"user:{victim.user_id}", page
    for page in ASGI_PAGES:
        response = asgi_get(page, [(b"cookie", f"sAccessToken={victim.access}".encode())])
        assert response.content.decode() == f"user:{victim.user_id}", f"ASGI {page}"


def test_duplicated_access_cookies_ask_for_a_refresh(victim: Victim) -> None:
    # Two sAccessToken cookies (e.g. one per cookie domain): nobody can tell which is current.
    header = f"sAccessToken={victim.access}; sAccessToken={victim.access}"
    for page in PROTECTED:
        response = Client().get(page, HTTP_COOKIE=header)
        assert assert_safe(response, path=page) == "refresh", page
