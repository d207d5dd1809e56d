"""Only the SDK's own routes count as its APIs (whole path segments, real API paths).

``/authors/`` is not under ``/auth``, and a page of the site under ``/auth/`` that no SDK API
answers is the site's own: neither gets the cross-site refusal or an SDK call. The SDK's routes,
in every form the SDK itself matches (trailing slash, tenant prefix), keep the refusal. A
callable ``APP_INFO["origin"]`` names trusted websites per request, as in the SDK.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from django_st_ssr import redirects

EVIL = "https://evil.example"
SIGN_IN = json.dumps(
    {
        "formFields": [
            {"id": "email", "value": "nobody@example.com"},
            {"id": "password", "value": "not-the-password-1"},
        ]
    }
)


def post(path: str, origin: str) -> Any:
    return Client(enforce_csrf_checks=True).post(
        path, SIGN_IN, content_type="text/plain", headers={"Origin": origin}
    )


@pytest.mark.parametrize("path", ["/authors/", "/auth/site-page/"])
def test_site_pages_near_or_under_the_base_path_are_the_sites_own(st_core: Any, path: str) -> None:
    response = post(path, EVIL)
    assert response.status_code == 200
    assert response.content.decode() == f"site:POST:{path}"
    assert Client().get(path).content.decode() == f"site:GET:{path}"


@pytest.mark.parametrize("path", ["/auth/signin", "/auth/signin/", "/auth/public/signin"])
def test_the_sdks_routes_keep_the_refusal(st_core: Any, path: str) -> None:
    response = post(path, EVIL)
    assert response.status_code == 403
    assert response.json() == {"message": "cross-site request refused"}
    assert post(path, "http://testserver").json()["status"] == "WRONG_CREDENTIALS_ERROR"


def test_an_unknown_path_under_the_base_path_is_djangos_404(st_core: Any) -> None:
    assert post("/auth/no-such-api", EVIL).status_code == 404


def _tenant_site(request: Any, _user_context: Any) -> str:
    # Like a multi-site deployment: the website is the one the request names.
    if request is not None and request.get_header("x-site") == "b":
        return "https://b.example.com"
    return "https://a.example.com"


@pytest.fixture
def callable_origin() -> Any:
    info = {**settings.SUPERTOKENS["APP_INFO"], "origin": _tenant_site}
    info.pop("website_domain")
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "APP_INFO": info}):
        yield


def test_a_callable_origin_is_trusted_per_request(st_core: Any, callable_origin: Any) -> None:
    assert post("/auth/signin", "https://a.example.com").status_code == 200
    response = Client().post(
        "/auth/signin",
        SIGN_IN,
        content_type="text/plain",
        headers={"Origin": "https://b.example.com", "X-Site": "b"},
    )
    assert response.status_code == 200
    assert post("/auth/signin", "https://b.example.com").status_code == 403
    assert post("/auth/signin", EVIL).status_code == 403


def test_a_callable_origin_is_a_redirect_target(callable_origin: Any) -> None:
    request = RequestFactory().get("/refresh-session/", headers={"X-Site": "b"})
    assert redirects.safe_target(request, "https://b.example.com/x") == "https://b.example.com/x"
    assert redirects.safe_target(request, "https://a.example.com/x") is None
    assert redirects.safe_target(request, f"{EVIL}/x") is None
