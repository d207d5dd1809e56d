"""Django 6's own Content-Security-Policy with README's SECURE_CSP: the refresh page needs no
nonce and no 'unsafe-inline'. Runs in the matrix sessions of Django 6.0 and 6.1; on 5.2 (which
has no CSP support) it is skipped, and the example's own middleware is tested in the browser."""

from __future__ import annotations

import re

import django
import pytest

pytestmark = pytest.mark.skipif(django.VERSION < (6, 0), reason="Django 6.0 added CSP support")


@pytest.fixture
def django_csp(settings):
    from django.utils.csp import CSP

    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
    }


def test_refresh_page_under_djangos_policy_has_only_self_hosted_scripts(client, django_csp):
    response = client.get("/refresh-session/?redirectBack=/protected/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        # Every script is a file from 'self', or inert JSON data (json_script).
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


def test_protected_page_redirect_keeps_the_policy(client, django_csp):
    response = client.get("/protected/", HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert response["Location"].startswith("/refresh-session/?")
    assert "script-src 'self'" in response["Content-Security-Policy"]
