"""Hostile JSON bodies to the SDK's sign-in, sign-up and password-reset APIs: 400, never a 500.

The SDK indexes the body as an object and ``formFields`` as a list of objects without checking,
and sends strings on to the core; anonymous visitors could turn that into a 500 (and with
``DEBUG`` on, Django's technical page). The middleware answers such bodies 400 with a short JSON
message and logs nothing of them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

APIS = (
    "/auth/signin",
    "/auth/signup",
    "/auth/user/password/reset/token",
    "/auth/user/password/reset",
)
MARKER = "hostile-marker-7d1e"


def fields(email: str, password: str = "Secret-pw-123") -> str:
    return json.dumps(
        {"formFields": [{"id": "email", "value": email}, {"id": "password", "value": password}]}
    )


# The bodies of the review, and their kin.
HOSTILE = {
    "array": "[]",
    "number": "123",
    "string": '"formFields"',
    "null": "null",
    "formFields of numbers": '{"formFields": [1, 2]}',
    "formFields of arrays": '{"formFields": [[], ["email"]]}',
    "100 kB email": fields(MARKER + "a" * 100_000 + "@example.com"),
    "lone surrogate in the email": fields(MARKER + "\ud800@example.com"),
    "lone surrogate in the password": fields(f"{MARKER}@example.com", "pw\udfff-123"),
    "lone surrogate in a key": json.dumps({"formFields": [], "\udc00": MARKER}),
}


def post(path: str, body: str | bytes) -> Any:
    return Client().post(path, body, content_type="application/json")


@pytest.mark.parametrize("path", APIS)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_bodies_get_a_short_400(st_core: Any, log_sink: Any, path: str, name: str) -> None:
    response = post(path, HOSTILE[name])
    assert response.status_code == 400, (name, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message"}
    assert len(response.content) < 100
    assert MARKER not in response.content.decode()
    # Nothing of ours or Django's logs the body (the SDK's own debug log is another matter:
    # README, "Logs").
    ours = [line for line in log_sink.lines if not line.startswith(("com.supertokens", "http"))]
    assert not any(MARKER in line for line in ours)


def test_well_formed_bodies_still_reach_the_sdk(st_core: Any) -> None:
    response = post("/auth/signin", fields("nobody-hostile@example.com"))
    assert response.status_code == 200
    assert response.json()["status"] == "WRONG_CREDENTIALS_ERROR"
    # Not JSON at all: the SDK reads it as {} and says which fields are missing, as before.
    assert post("/auth/signin", "nope").json()["status"] == "FIELD_ERROR"


text = st.text(max_size=30) | st.sampled_from(["\ud800", "x\udfffy", "a" * 70_000, ""])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
form_field = st.fixed_dictionaries(
    {"id": st.sampled_from(["email", "password", "token"]) | json_values, "value": json_values}
)
bodies = (
    json_values
    | st.fixed_dictionaries({"formFields": st.lists(form_field | json_values, max_size=4)})
    | st.fixed_dictionaries(
        {"formFields": st.lists(form_field, max_size=3), "token": json_values, "method": text}
    )
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_no_json_body_makes_a_500(st_core: Any, body: Any) -> None:
    encoded = json.dumps(body)
    for path in APIS:
        response = post(path, encoded)
        assert response.status_code < 500, (path, encoded[:200], response.status_code)
