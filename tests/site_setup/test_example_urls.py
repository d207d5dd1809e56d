"""example_project's URLconf: one URL per idea. Its "Sign out" button posts to the server-rendered
sign-out page of ``django_st_ssr.auth_urls`` (``st_auth:sign_out``, ``/signout/``); of
``django_st_ssr.urls`` it routes only the refresh page, so no second URL
(``django_st_ssr:sign_out``, ``/sign-out/``) signs out the same way."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "example_project"

# Run with the example's own settings: this test process is configured with tests.settings.
SCRIPT = r"""
import json

import django

django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import get_resolver, resolve, reverse

from django_st_ssr import views
from django_st_ssr.auth_views import SignOutView


def routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def signs_out(callback):
    view_class = getattr(callback, "view_class", None)
    return callback is views.sign_out or (
        isinstance(view_class, type) and issubclass(view_class, SignOutView)
    )


setup_test_environment()
client = Client()
print(json.dumps({
    "sign_out_routes": [route for route, callback in routes(get_resolver().url_patterns)
                        if signs_out(callback)],
    "st_auth:sign_out": reverse("st_auth:sign_out"),
    "refresh page": resolve("/refresh-session/").view_name,
    "GET /signout/": client.get("/signout/").status_code,
    "POST /sign-out/": client.post("/sign-out/").status_code,
}))
"""


def example_urls() -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SUPERTOKENS_"))}
    # Nothing here reaches the core: an address nothing answers keeps the example's default
    # (a core it would start on 127.0.0.1:3567) out of it.
    env["SUPERTOKENS_CONNECTION_URI"] = "http://127.0.0.1:9"
    env["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_example_serves_one_sign_out_url_the_one_its_button_posts_to() -> None:
    # The example's dashboard calls a DRF view and a Ninja API: its URLconf needs both (the
    # matrix sessions install neither; the main session runs this).
    for package in ("rest_framework", "ninja"):
        pytest.importorskip(package, reason="the example project's APIs need it")
    urls = example_urls()
    assert urls["sign_out_routes"] == ["signout/"]
    assert urls["st_auth:sign_out"] == "/signout/"
    assert urls["GET /signout/"] == 200  # the sign-out page, with or without a session
    assert urls["POST /sign-out/"] == 404
    assert urls["refresh page"] == "django_st_ssr:refresh_session"  # REFRESH_URL's default
    templates = "\n".join(p.read_text() for p in EXAMPLE_DIR.rglob("*.html"))
    named = set(re.findall(r"""\{% url ["']([\w:]*sign_out)["']""", templates))
    assert named == {"st_auth:sign_out"}
