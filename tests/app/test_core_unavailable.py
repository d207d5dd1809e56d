"""When the core cannot answer: a 503 page (or JSON), never a 500 and never a refresh loop."""

from __future__ import annotations

import json
import time

import pytest
from django.test import AsyncClient, Client

pytestmark = pytest.mark.emulator_only(reason="takes the core down, fails or delays its answers")


@pytest.mark.parametrize("url", ["/database/", "/adatabase/"])
def test_core_down_gives_503_page(st_core, st_login, url):
    client = Client()
    st_login(client)
    st_core.down()
    response = client.get(url)
    assert response.status_code == 503
    assert "django_st_ssr/core_unavailable.html" in [t.name for t in response.templates]
    assert response.headers["Retry-After"]
    assert "Location" not in response.headers
    st_core.up()
    assert client.get(url).status_code == 200


@pytest.mark.anyio
async def test_core_down_gives_503_asgi(st_core, st_alogin):
    client = AsyncClient()
    await st_alogin(client)
    st_core.down()
    assert (await client.get("/adatabase/")).status_code == 503


def test_core_down_gives_503_json_for_fetch(st_core, st_login):
    client = Client(headers={"Accept": "application/json"})
    st_login(client)
    st_core.down()
    response = client.get("/database/")
    assert response.status_code == 503
    assert response.json() == {"message": "authentication service unavailable"}


def test_core_error_status_gives_503(st_core, st_login):
    client = Client()
    st_login(client)
    st_core.fail_next("/recipe/session/verify", status=500)
    assert client.get("/database/").status_code == 503


def test_slow_core_gives_503_after_core_timeout(st_core, st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CORE_TIMEOUT": 0.3}
    client = Client()
    st_login(client)
    st_core.delay("/recipe/session/verify", 2)
    started = time.monotonic()
    response = client.get("/database/")
    assert response.status_code == 503
    assert time.monotonic() - started < 1.5


def test_unreachable_signing_keys_are_not_reported_as_try_refresh(st_core, st_login, monkeypatch):
    # With no cached JWKS and the core down, the SDK says "try refresh"; refreshing cannot help.
    from supertokens_python.recipe.session import jwks

    client = Client()
    st_login(client)
    monkeypatch.setattr(jwks, "cached_keys", None)
    st_core.down()
    response = client.get("/protected/")
    assert response.status_code == 503
    assert "Location" not in response.headers


def test_local_verification_keeps_working_while_the_core_is_down(st_core, st_login):
    client = Client()
    session = st_login(client)
    client.get("/protected/")  # signing keys cached
    st_core.down()
    assert client.get("/protected/").content.decode() == f"user:{session.user_id}"


def test_sdk_api_with_core_down_gives_503_json(st_core):
    st_core.down()
    body = json.dumps(
        {
            "formFields": [
                {"id": "email", "value": "nobody@example.com"},
                {"id": "password", "value": "Secret-pw-123"},
            ]
        }
    )
    response = Client().post("/auth/signin", body, content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {"message": "authentication service unavailable"}


def test_lazy_session_is_none_when_the_core_is_down(st_core, st_login, monkeypatch):
    from supertokens_python.recipe.session import jwks

    client = Client()
    st_login(client)
    monkeypatch.setattr(jwks, "cached_keys", None)
    st_core.down()
    assert client.get("/").content == b"anonymous"


def test_core_failure_is_logged_without_tokens(st_core, st_login, caplog):
    client = Client()
    session = st_login(client)
    st_core.down()
    with caplog.at_level("WARNING", logger="django_st_ssr"):
        assert client.get("/database/").status_code == 503
    assert "SuperTokens core unavailable" in caplog.text
    assert session.access_token not in caplog.text
    assert session.refresh_token not in caplog.text
