"""{% st_ssr_frontend %}: supertokens-web-js, its json_script config and a static init script."""

from __future__ import annotations

import json
import re

from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import RequestFactory

from django_st_ssr.views import web_js_app_info

TAG = Template("{% load st_ssr %}{% st_ssr_frontend %}")
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S)


def _scripts(html: str) -> list[tuple[str, str]]:
    return SCRIPT.findall(html)


def _render(template: Template = TAG, **context) -> str:
    return template.render(Context(context))


def test_emits_web_js_then_the_init_script_and_no_inline_code(st_core):
    html = _render()
    scripts = _scripts(html)
    config_attrs, config_body = scripts[0]
    assert 'type="application/json"' in config_attrs
    config = json.loads(config_body)
    assert config["appInfo"] == web_js_app_info()
    assert config["loginUrl"] == "/login/"
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts[1:]]
    assert sources == [
        "/static/django_st_ssr/vendor/supertokens-web-js/website.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/supertokens.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/session.js",
        "/static/django_st_ssr/frontend.js",
    ]
    # Only the JSON data is inline: nothing a script-src 'self' policy would block.
    assert all(body.strip() == "" for _attrs, body in scripts[1:])
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source


def test_the_config_cannot_break_out_of_its_element(st_core, settings):
    app_info = {**settings.SUPERTOKENS["APP_INFO"], "app_name": "</script><script>alert(1)"}
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "APP_INFO": app_info}
    html = _render()
    assert "</script><script>alert(1)" not in html
    assert json.loads(_scripts(html)[0][1])["appInfo"]["appName"] == app_info["app_name"]


def test_csp_nonce_from_the_request_the_context_or_the_tag(st_core):
    request = RequestFactory().get("/")
    request.csp_nonce = "req-nonce"
    html = _render(request=request)
    assert [a.count('nonce="req-nonce"') for a, _ in _scripts(html)[1:]] == [1, 1, 1, 1]
    assert 'nonce="ctx-nonce"' in _render(csp_nonce="ctx-nonce")
    given = Template('{% load st_ssr %}{% st_ssr_frontend nonce="tag-nonce" %}')
    assert _render(given).count('nonce="tag-nonce"') == 4
    assert "nonce" not in _render()


def test_configured_web_js_with_integrity(st_core, settings):
    cdn = {"src": "https://cdn.example/session.js", "integrity": "sha384-abc"}
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "WEB_JS": [cdn]}
    attrs = [a for a, _ in _scripts(_render())[1:]]
    assert 'src="https://cdn.example/session.js"' in attrs[0]
    assert 'integrity="sha384-abc" crossorigin="anonymous"' in attrs[0]
    assert attrs[1] == ' src="/static/django_st_ssr/frontend.js"'
