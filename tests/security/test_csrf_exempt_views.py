"""``csrf_exempt`` protected views: what protects them once Django's CSRF check is off.

With the default ``cookie_same_site="lax"`` the SDK's anti-CSRF mode is "NONE", and Lax cookies
travel with requests from any page of the same *site*: a sibling subdomain
(``evil.example.com`` next to ``www.example.com``) could post as the visitor. So a signed-in
unsafe request that no Django CSRF check has seen must come from a trusted origin (this site, the
API or the website of APP_INFO) when the browser names one; otherwise 403.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

REFUSED = {"message": "cross-site request refused"}


@pytest.fixture
def signed_in(st_login: Any) -> tuple[Client, Any]:
    client = Client(enforce_csrf_checks=True)
    return client, st_login(client)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example.com"},
        {"Origin": "http://sub.testserver"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example.com", "Sec-Fetch-Site": "same-site"},
    ],
)
def test_writes_from_other_origins_are_refused(signed_in: Any, headers: dict[str, str]) -> None:
    client, _session = signed_in
    response = client.post("/exempt-form/", headers=headers)
    assert response.status_code == 403
    assert response.json() == REFUSED
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a server or script: no Origin, no Sec-Fetch-Site
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://localhost:8000"},  # APP_INFO's website and API
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_writes_from_this_site_still_work(signed_in: Any, headers: dict[str, str]) -> None:
    client, session = signed_in
    response = client.post("/exempt-form/", headers=headers)
    assert response.status_code == 200
    assert response.content.decode() == f"posted:{session.user_id}"


def test_safe_methods_and_anonymous_requests_are_unchanged(signed_in: Any) -> None:
    client, session = signed_in
    evil = {"Origin": "https://evil.example.com"}
    assert client.get("/exempt-form/", headers=evil).content.decode() == (
        f"posted:{session.user_id}"
    )
    anonymous = Client(enforce_csrf_checks=True).post("/exempt-form/", headers=evil)
    assert anonymous.status_code == 401  # no session: the usual answer, nothing to protect
