"""Poisoned ``redirectBack``/``next`` values never leave the site, never reach the page raw.

The refresh page is where ``redirectBack`` turns into ``location.replace(...)``: the value handed
to its script (the json_script config), the login URL it may go to (with ``next``) and every link
on the page must stay on this site. Protected pages echo the request's own path into the refresh
redirect: that must stay a path on this site too, whatever the query string holds.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core import signing
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django_st_ssr.decorators import LOGIN_URL_SALT
from tests.security import hostile
from tests.security.conftest import PROTECTED, assert_safe, location_is_on_site

pytestmark = pytest.mark.urls("tests.security.urls")

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CONFIG = re.compile(
    r'<script id="django-st-ssr-config" type="application/json">(.*?)</script>', re.S
)
SCRIPT_SRC = re.compile(r'<script src="([^"]*)"')
LINKS = re.compile(r'\bhref="([^"]*)"')


def refresh_page_config(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    found = CONFIG.findall(page)
    assert len(found) == 1, "exactly one config element"
    # Exactly the scripts the app ships: nothing a query string could add.
    assert page.count("<script") == 1 + len(SCRIPT_SRC.findall(page))
    for src in SCRIPT_SRC.findall(page):
        assert src.startswith("/static/"), src
    for link in LINKS.findall(page):
        assert location_is_on_site(html.unescape(link)), f"off-site link {link!r}"
    return json.loads(found[0])


def assert_config_safe(config: dict[str, Any]) -> None:
    target = config["target"]
    assert location_is_on_site(target), f"target {target!r}"
    assert target.startswith("/"), target
    assert not target.startswith(("//", "/\\")), target
    login = config["loginUrl"]
    assert location_is_on_site(login), f"login URL {login!r}"
    for name, value in parse_qsl(urlsplit(login).query):
        if name == "next":
            assert value == target


def query(**params: str) -> str:
    return "&".join(f"{name}={quote(value, safe='')}" for name, value in params.items())


@HYPOTHESIS
@given(target=hostile.redirect_targets)
@example(target="/page/?tab=1")
def test_refresh_page_hands_only_safe_targets_to_its_script(target: str) -> None:
    client = Client()
    encoded = quote(target, safe="")
    for raw, taken in (
        (f"redirectBack={encoded}", True),
        (f"redirectBack={encoded}&redirectBack=/page/", False),
        (f"redirectBack=/page/&redirectBack={encoded}", True),
        # Unencoded, as a hand-made link would carry it.
        ("redirectBack=" + target.replace("&", "%26").replace("#", "%23"), False),
    ):
        config = refresh_page_config(client.get(f"/refresh-session/?{raw}"))
        assert_config_safe(config)
        if taken and not (location_is_on_site(target) and target.startswith("/")):
            assert config["target"] == "/", f"{target!r} became {config['target']!r}"


@HYPOTHESIS
@given(login=hostile.redirect_targets, target=hostile.redirect_targets)
def test_refresh_page_ignores_forged_login_urls(login: str, target: str) -> None:
    # The decorator signs a per-view login URL; an unsigned or wrongly signed one is ignored.
    for forged in (login, signing.dumps(login, salt="another-salt"), signing.dumps(login)[:-2]):
        response = Client().get("/refresh-session/?" + query(redirectBack=target, login=forged))
        config = refresh_page_config(response)
        assert_config_safe(config)
        assert urlsplit(config["loginUrl"]).path == "/login/"


def test_signed_login_url_is_used() -> None:
    # The other half of the check above: a login URL the decorator signed is honoured.
    signed = signing.dumps(
        {"t": "/page/", "l": "/login/?custom=1", "f": "redirectBack"}, salt=LOGIN_URL_SALT
    )
    config = refresh_page_config(
        Client().get("/refresh-session/?" + query(redirectBack="/page/", login=signed))
    )
    assert config["loginUrl"].startswith("/login/?custom=1&next=")


@HYPOTHESIS
@given(value=hostile.redirect_targets, error=st.sampled_from(["loop", "x", "<script>", ""]))
def test_refresh_page_error_states_stay_on_site(value: str, error: str) -> None:
    response = Client().get("/refresh-session/?" + query(redirectBack=value, error=error))
    assert response.status_code == 200
    for link in LINKS.findall(response.content.decode()):
        assert location_is_on_site(html.unescape(link)), f"off-site link {link!r}"
    assert "<script>" not in response.content.decode().replace(
        '<script id="django-st-ssr-config"', ""
    )


@HYPOTHESIS
@given(value=hostile.redirect_targets, name=st.sampled_from(["redirectBack", "next", "x"]))
def test_protected_pages_redirect_on_site_whatever_the_query(value: str, name: str) -> None:
    for page in PROTECTED:
        client = Client()  # one visit each: the loop guard counts a client's redirects
        response = client.get(f"{page}?{query(**{name: value})}")
        assert assert_safe(response, path=page) == "refresh"
        back = dict(parse_qsl(urlsplit(response["Location"]).query))["redirectBack"]
        assert back.startswith(page), back
        # And the refresh page, fed that redirect, sends the browser back to the same page.
        config = refresh_page_config(client.get(response["Location"]))
        # Recent Django validators refuse URLs over 2048 characters: those may fall back to "/".
        assert config["target"] in ((back,) if len(back) <= 2048 else (back, "/"))


@pytest.mark.parametrize(
    "target",
    ["https://testserver/page/", "http://testserver/page/", "/page/?a=1&b=2#x", "/"],
)
def test_legitimate_targets_survive(target: str) -> None:
    config = refresh_page_config(Client().get("/refresh-session/?" + query(redirectBack=target)))
    assert config["target"] == target


def test_https_request_refuses_http_target() -> None:
    # require_https on secure requests: no downgrade through the refresh page.
    config = refresh_page_config(
        Client().get(
            "/refresh-session/?" + query(redirectBack="http://testserver/page/"), secure=True
        )
    )
    assert config["target"] == "/"
