"""APP_INFO URLs are read one way, the SDK's, by redirects, the cross-site guard and the checks.

Every form the SDK accepts for a domain (with or without a scheme, a port, a trailing slash or a
path) names the same site to all three.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from supertokens_python.normalised_url_domain import NormalisedURLDomain

from django_st_ssr import appinfo, checks, redirects

# (as written in APP_INFO, the Origin a browser on that site sends)
FORMS = [
    ("https://www.example.com", "https://www.example.com"),
    ("https://www.example.com/", "https://www.example.com"),
    ("https://www.example.com/app/path/", "https://www.example.com"),
    ("www.example.com", "https://www.example.com"),
    ("WWW.Example.COM/", "https://www.example.com"),
    ("https://www.example.com:443", "https://www.example.com"),
    ("https://www.example.com:8443/", "https://www.example.com:8443"),
    ("www.example.com:8443", "https://www.example.com:8443"),
    ("http://www.example.com:8080", "http://www.example.com:8080"),
    ("localhost:3000", "http://localhost:3000"),
    ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
    ("127.0.0.1:3000", "http://127.0.0.1:3000"),
]
SIGN_IN = json.dumps(
    {
        "formFields": [
            {"id": "email", "value": "nobody@example.com"},
            {"id": "password", "value": "not-the-password-1"},
        ]
    }
)


def app_info(**changes: object) -> override_settings:
    info = {**settings.SUPERTOKENS["APP_INFO"], **changes}
    return override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "APP_INFO": info})


def sign_in_from(origin: str) -> int:
    response = Client(enforce_csrf_checks=True).post(
        "/auth/signin", SIGN_IN, content_type="text/plain", headers={"Origin": origin}
    )
    return response.status_code


@pytest.mark.parametrize(("written", "origin"), FORMS)
def test_the_sdk_and_this_app_read_the_same_origin(written: str, origin: str) -> None:
    assert appinfo.origin_of(written) == origin
    # The SDK's own reading, but for the default port a browser leaves out.
    assert NormalisedURLDomain(written).get_as_string_dangerous().removesuffix(":443") == origin


@pytest.mark.parametrize(("written", "origin"), FORMS)
def test_the_website_can_sign_in_and_be_returned_to(st_core, written: str, origin: str) -> None:
    with app_info(website_domain=written):
        assert sign_in_from(origin) == 200
        assert sign_in_from("https://evil.example") == 403
        request = RequestFactory().get("/refresh-session/")
        assert redirects.safe_target(request, f"{origin}/account/?a=1") == f"{origin}/account/?a=1"
        assert redirects.safe_target(request, "https://evil.example/account/") is None


@pytest.mark.parametrize(("written", "origin"), FORMS)
def test_the_cookie_domain_check_names_the_same_host(written: str, origin: str) -> None:
    host = appinfo.hostname_of(origin)
    with app_info(api_domain="https://api.other.test", website_domain=written):
        (warning,) = checks.check_cookie_domain()
        assert warning.id == "django_st_ssr.W001"
        assert f"the website ({host})" in warning.msg
    with app_info(api_domain=f"{origin}/", website_domain=written):
        assert checks.check_cookie_domain() == []


@pytest.mark.parametrize("written", ["", "/just/a/path", "not a domain", None, 42])
def test_what_the_sdk_cannot_read_names_no_site(written: object) -> None:
    assert appinfo.origin_of(written) is None
