"""A website on another origin calling the API through django-cors-headers, configured with
README's snippet (``django_st_ssr.cors``): the preflight allows what supertokens-web-js sends, the
refresh answers with credentials allowed and the SDK's exposed headers intact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from corsheaders.defaults import default_headers

from django_st_ssr.cors import supertokens_cors_headers, supertokens_expose_headers
from django_st_ssr.testing import unique_email

WEBSITE = "http://www.example.test"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cors_site(settings):
    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", *settings.MIDDLEWARE]
    settings.CORS_ALLOWED_ORIGINS = [WEBSITE]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_ALLOW_HEADERS = (*default_headers, *supertokens_cors_headers())
    app_info = {**settings.SUPERTOKENS["APP_INFO"], "website_domain": WEBSITE}
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "APP_INFO": app_info}


def test_the_headers_are_the_sdks_own(st_core):
    from supertokens_python import get_all_cors_headers

    assert supertokens_cors_headers() == sorted(h.lower() for h in get_all_cors_headers())


def test_usable_in_a_settings_module_before_django_is_set_up():
    # What settings.py does: import and call, with no settings configured and no SDK init.
    code = (
        "from django_st_ssr.cors import supertokens_cors_headers as h, "
        "supertokens_expose_headers as e; print(','.join(h())); print(','.join(e()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    allowed, exposed = result.stdout.split()
    assert set(allowed.split(",")) >= {"rid", "fdi-version", "st-auth-mode", "anti-csrf"}
    assert "front-token" in exposed.split(",")


def test_preflight_allows_what_supertokens_web_js_sends(client, cors_site):
    response = client.options(
        "/auth/session/refresh",
        headers={
            "Origin": WEBSITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,fdi-version,rid,st-auth-mode",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == WEBSITE
    assert response["Access-Control-Allow-Credentials"] == "true"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "fdi-version", "rid", "st-auth-mode", "anti-csrf"} <= allowed


def test_cross_origin_refresh_then_page(client, cors_site, st_login):
    st_login(client, email=unique_email())
    old_access = client.cookies["sAccessToken"].value
    web_js = {"rid": "session", "fdi-version": "4.2", "st-auth-mode": "cookie"}
    response = client.post("/auth/session/refresh", headers={"Origin": WEBSITE, **web_js})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == WEBSITE
    assert response["Access-Control-Allow-Credentials"] == "true"
    # The SDK's own expose header survives (CORS_EXPOSE_HEADERS is not set).
    assert "front-token" in response["Access-Control-Expose-Headers"]
    assert response["front-token"]
    assert client.cookies["sAccessToken"].value != old_access
    # The renewed session opens a protected page.
    assert client.get("/protected/").status_code == 200


def test_another_origin_gets_no_cors_headers(client, cors_site, st_login):
    st_login(client, email=unique_email())
    response = client.options(
        "/auth/session/refresh",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response
    refresh = client.post(
        "/auth/session/refresh", headers={"Origin": "https://evil.example", "rid": "session"}
    )
    assert refresh.status_code == 403
    assert "Access-Control-Allow-Origin" not in refresh


def test_expose_headers_for_sites_that_set_their_own(client, cors_site, settings, st_login):
    settings.CORS_EXPOSE_HEADERS = ["x-my-header", *supertokens_expose_headers()]
    st_login(client, email=unique_email())
    response = client.post("/auth/session/refresh", headers={"Origin": WEBSITE, "rid": "session"})
    assert response.status_code == 200
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-my-header", "front-token"} <= exposed
