"""HTML form POSTs (Django CSRF vs the SDK's anti-CSRF) and payload writes during GET renders."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client

from django_st_ssr.verify import SessionWriteOnSafeRequest

CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"  # any 32 characters of the allowed alphabet


@pytest.fixture
def via_custom_header(monkeypatch):
    """The SDK's anti-CSRF as cross-site deployments get it: a custom header on every write."""
    from supertokens_python.recipe.session.recipe import SessionRecipe

    config = SessionRecipe.get_instance().config
    monkeypatch.setattr(config, "anti_csrf_function_or_string", "VIA_CUSTOM_HEADER")


def _csrf_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def test_form_post_with_django_csrf_token_works_under_custom_header_mode(
    st_login, via_custom_header
):
    client = _csrf_client()
    session = st_login(client)
    response = client.post("/form/", {"name": "Ada", "csrfmiddlewaretoken": CSRF_SECRET})
    assert response.status_code == 200
    assert response.content.decode() == f"posted:Ada:{session.user_id}"


def test_form_post_without_django_csrf_token_is_refused_by_django(st_login, via_custom_header):
    client = _csrf_client()
    st_login(client)
    assert client.post("/form/", {"name": "Ada"}).status_code == 403


def test_csrf_exempt_view_keeps_the_sdk_check(st_login, via_custom_header):
    client = Client(enforce_csrf_checks=True)
    session = st_login(client)
    # No Django check happened, so the SDK's own check must still run: no rid header, refused.
    response = client.post("/exempt-form/")
    assert response.status_code == 401
    assert response.json() == {"message": "try refresh token"}
    # With the header the frontend SDK adds to fetch calls, it passes.
    response = client.post("/exempt-form/", headers={"rid": "anti-csrf"})
    assert response.content.decode() == f"posted:{session.user_id}"


def test_form_post_without_anti_csrf_mode(st_login):
    client = _csrf_client()
    session = st_login(client)
    response = client.post("/form/", {"name": "Bo", "csrfmiddlewaretoken": CSRF_SECRET})
    assert response.content.decode() == f"posted:Bo:{session.user_id}"


# -- writes during SSR ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/write/", "/awrite/"])
def test_payload_write_on_get_is_refused(st_login, url):
    client = Client()
    st_login(client)
    with pytest.raises(SessionWriteOnSafeRequest, match="must not change"):
        client.get(url)


@pytest.mark.anyio
async def test_payload_write_on_get_is_refused_asgi(st_alogin):
    client = AsyncClient()
    await st_alogin(client)
    with pytest.raises(SessionWriteOnSafeRequest):
        await client.get("/awrite/")


@pytest.mark.parametrize("url", ["/write/", "/awrite/"])
def test_payload_write_on_post_is_written(st_login, url):
    import base64
    import json

    client = Client()
    session = st_login(client)
    response = client.post(url)
    assert response.content == b"written"
    new_token = response.cookies["sAccessToken"].value
    assert new_token
    assert new_token != session.access_token
    front = json.loads(base64.b64decode(response.headers["front-token"]))
    assert front["up"]["theme"] == "dark"
    assert front["uid"] == session.user_id
