"""user_logged_in / user_logged_out and last_login follow SuperTokens sign-in and sign-out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.test import AsyncClient, Client

from django_st_ssr.models import SuperTokensUserLink
from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.django_db
PASSWORD = "Pw-1-signals-test"


def _form(email: str) -> str:
    fields = [{"id": "email", "value": email}, {"id": "password", "value": PASSWORD}]
    return json.dumps({"formFields": fields})


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Any]]]:
    events: list[tuple[str, Any]] = []

    def on_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        events.append(("in", user.get_username()))

    def on_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        events.append(("out", user.get_username()))

    user_logged_in.connect(on_in)
    user_logged_out.connect(on_out)
    yield events
    user_logged_in.disconnect(on_in)
    user_logged_out.disconnect(on_out)


def test_sign_up_in_and_out_each_signal_once(st_core, heard):
    email = unique_email()
    client = Client()
    response = client.post("/auth/signup", _form(email), content_type="application/json")
    user_id = response.json()["user"]["id"]
    assert heard == [("in", user_id)]
    user = SuperTokensUserLink.objects.get(supertokens_id=user_id).user
    assert user.email == email
    first_login = user.last_login
    assert first_login is not None

    # Pages and refreshes are not sign-ins.
    for _ in range(2):
        assert client.get("/members/").status_code == 200
    assert client.post("/auth/session/refresh", headers={"rid": "session"}).status_code == 200
    assert heard == [("in", user_id)]

    client.post("/auth/signout", headers={"rid": "session"})
    assert heard == [("in", user_id), ("out", user_id)]

    again = Client()
    again.post("/auth/signin", _form(email), content_type="application/json")
    assert heard[-1] == ("in", user_id)
    assert len(heard) == 3
    assert get_user_model().objects.get(pk=user.pk).last_login > first_login


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_signals_under_asgi(st_core, heard, async_db_threads):
    client = AsyncClient()
    response = await client.post(
        "/auth/signup", _form(unique_email()), content_type="application/json"
    )
    user_id = response.json()["user"]["id"]
    await client.post("/auth/signout", headers={"rid": "session"})
    assert heard == [("in", user_id), ("out", user_id)]


def test_admin_logout_signals_once(st_core, heard, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    response = client.post("/auth/signup", _form(unique_email()), content_type="application/json")
    user_id = response.json()["user"]["id"]
    get_user_model().objects.filter(username=user_id).update(is_staff=True)
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": None}
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert heard == [("in", user_id), ("out", user_id)]


def test_sign_in_and_out_done_by_django_views(st_core, heard):
    client = Client()
    user_id = f"view-user-{unique_email()}"
    assert client.post("/session-start/", {"user_id": user_id}).content == b"signed in"
    assert heard == [("in", user_id)]
    assert get_user_model().objects.get(username=user_id).last_login is not None
    assert client.get("/members/").content == f"user:{user_id}".encode()
    assert client.post("/session-end/").content == b"signed out"
    assert heard == [("in", user_id), ("out", user_id)]
    assert client.get("/whoami/").content == b"anonymous::staff=False"
