"""The refresh page: safe targets only, CSP-safe HTML, the loop guard."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client

REFRESH = "/refresh-session/"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_handlers: list[str] = []
        self._in_script: dict[str, str | None] | None = None
        self.script_text: dict[str, str] = {}
        self.states: dict[str, bool] = {}
        self.noscript = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.inline_handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = attributes
        if tag == "noscript":
            self.noscript = True
        if "data-st-state" in attributes:
            self.states[attributes["data-st-state"]] = "hidden" not in attributes

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None and self._in_script.get("id"):
            self.script_text[self._in_script["id"]] = data


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def config(response) -> dict:
    return json.loads(parse(response).script_text["django-st-ssr-config"])


def test_page_loads_web_js_then_refresh_js(st_core):
    response = Client().get(REFRESH, {"redirectBack": "/protected/?a=1&b=2"})
    assert response.status_code == 200
    page = parse(response)
    sources = [script["src"] for script in page.scripts if script.get("src")]
    assert sources == [
        "/static/django_st_ssr/vendor/supertokens-web-js/website.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/supertokens.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/session.js",
        "/static/django_st_ssr/refresh.js",
    ]
    assert page.noscript
    assert page.states == {"refreshing": True, "error": False, "loop": False}


def test_page_has_no_inline_executable_script(st_core):
    # Content-Security-Policy: script-src 'self' must be enough.
    page = parse(Client().get(REFRESH, {"redirectBack": "/x/"}))
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    assert page.inline_handlers == []


def test_config_carries_app_info_target_and_login_url(st_core):
    data = config(Client().get(REFRESH, {"redirectBack": "/protected/?a=1&b=2"}))
    assert data["appInfo"] == {
        "appName": "django-st-ssr tests",
        "apiDomain": "http://localhost:8000",
        "apiBasePath": "/auth",
    }
    assert data["target"] == "/protected/?a=1&b=2"
    assert data["loginUrl"] == "/login/?next=/protected/%3Fa%3D1%26b%3D2"
    assert data["maxAttempts"] == 3
    assert data["windowSeconds"] == 30
    assert data["loopCookie"] == "st_ssr_refresh"


def test_response_headers(st_core):
    response = Client().get(REFRESH)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_only_get_and_head(st_core):
    assert Client().head(REFRESH).status_code == 200
    assert Client().post(REFRESH).status_code == 405


def test_static_files_exist():
    from django.contrib.staticfiles import finders

    assert finders.find("django_st_ssr/refresh.js")
    assert finders.find("django_st_ssr/ssr.css")


def test_web_js_setting_with_integrity(st_core, settings):
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "WEB_JS": [
            {"src": "https://cdn.example/website.js", "integrity": "sha384-abc"},
            "https://cdn.example/supertokens.js",
            {"src": "https://cdn.example/session.js", "integrity": "sha384-def"},
        ],
    }
    page = parse(Client().get(REFRESH))
    assert page.scripts[1:4] == [
        {
            "src": "https://cdn.example/website.js",
            "integrity": "sha384-abc",
            "crossorigin": "anonymous",
        },
        {"src": "https://cdn.example/supertokens.js"},
        {
            "src": "https://cdn.example/session.js",
            "integrity": "sha384-def",
            "crossorigin": "anonymous",
        },
    ]


HOSTILE_TARGETS = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "////evil.example",
    "https://evil.example/",
    "http://evil.example",
    "https:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "/\x00/evil.example",
    "\x01/evil.example",
    "/foo\r\nSet-Cookie: x=y",
    "/ok\x7f",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://testserver.evil.example/",
    "ftp://testserver/",
    "mailto:someone@testserver",
    "evil.example",
    "relative/path",
    "?q=1",
    "#frag",
    "",
    "\u2028/evil",
    "/\u202e/evil",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_hostile_redirect_back_falls_back_to_root(st_core, target):
    response = Client().get(REFRESH, {"redirectBack": target})
    data = config(response)
    assert data["target"] == "/"
    assert data["loginUrl"] == "/login/?next=/"
    assert "evil" not in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/protected/",
        "/a/b?c=d&e=f#g",
        "http://testserver/x",
        "https://testserver/x",  # an upgrade to https is fine
        "http://localhost:8000/page",  # the configured website domain
    ],
)
def test_safe_targets_are_kept(st_core, target):
    assert config(Client().get(REFRESH, {"redirectBack": target}))["target"] == target


def test_https_required_on_secure_requests(st_core):
    client = Client()
    response = client.get(REFRESH, {"redirectBack": "http://testserver/x"}, secure=True)
    assert config(response)["target"] == "/"
    response = client.get(REFRESH, {"redirectBack": "https://testserver/x"}, secure=True)
    assert config(response)["target"] == "https://testserver/x"


def _context(target, login="/elsewhere/login/", field="redirectBack", salt=None):
    return signing.dumps(
        {"t": target, "l": login, "f": field}, salt=salt or "django_st_ssr.login-url"
    )


def test_login_url_from_the_decorator_must_be_signed(st_core):
    data = config(Client().get(REFRESH, {"redirectBack": "/p/", "login": _context("/p/")}))
    assert data["loginUrl"] == "/elsewhere/login/?next=/p/"
    forged = _context("/p/", "https://evil.example/", salt="something-else")
    data = config(Client().get(REFRESH, {"redirectBack": "/p/", "login": forged}))
    assert data["loginUrl"] == "/login/?next=/p/"
    data = config(Client().get(REFRESH, {"login": "https://evil.example/"}))
    assert data["loginUrl"] == "/login/?next=/"
    # 0.1's format (a bare signed string) is not accepted any more: it never expired.
    legacy = signing.dumps("/elsewhere/login/", salt="django_st_ssr.login-url")
    data = config(Client().get(REFRESH, {"redirectBack": "/p/", "login": legacy}))
    assert data["loginUrl"] == "/login/?next=/p/"


def test_signed_login_url_is_bound_to_its_page(st_core):
    # Copied from a link for /p/, it does not send the visitor of another page elsewhere.
    data = config(Client().get(REFRESH, {"redirectBack": "/other/", "login": _context("/p/")}))
    assert data["loginUrl"] == "/login/?next=/other/"


def test_signed_login_url_expires(st_core, monkeypatch):
    import time

    signed = _context("/p/")
    later = time.time() + 601
    monkeypatch.setattr(signing.time, "time", lambda: later)
    data = config(Client().get(REFRESH, {"redirectBack": "/p/", "login": signed}))
    assert data["loginUrl"] == "/login/?next=/p/"


def test_view_redirect_field_name_is_honoured_end_to_end(st_core):
    # Issue 17 (8a): a view with redirect_field_name="back" comes back to itself, not to "/".
    location = Client().get("/custom-field/").headers["Location"]
    data = config(Client().get(location))
    assert data["target"] == "/custom-field/"
    assert data["loginUrl"] == "/login/?next=/custom-field/"


def test_config_names_the_refresh_api_and_cookie_domain(st_core):
    response = Client().get(REFRESH)
    data = config(response)
    assert data["refreshApiUrl"] == "http://localhost:8000/auth/session/refresh"
    assert data["cookieDomain"] is None
    assert data["allowedOrigins"] == ["http://localhost:8000"]
    assert data["resubmit"] is False
    # The error state says which URL was tried (issue 15).
    assert "http://localhost:8000/auth/session/refresh" in response.content.decode()


def test_page_explains_itself_when_its_scripts_never_run(st_core):
    # No script needed: the hint is revealed by CSS after a delay (at once without the CSS),
    # and refresh.js hides it when it runs.
    page = Client().get(REFRESH).content.decode()
    assert "data-st-stalled" in page
    assert "static files" in page
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("django_st_ssr/ssr.css")).read_text()
    assert "[data-st-stalled]" in css
    assert "animation" in css
    script = Path(finders.find("django_st_ssr/refresh.js")).read_text()
    assert "data-st-stalled" in script
    # The loop error page runs no script: no hint there.
    assert "data-st-stalled" not in Client().get(REFRESH, {"error": "loop"}).content.decode()


def test_login_settings(st_core, settings):
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "LOGIN_URL": "home",
        "LOGIN_REDIRECT_FIELD_NAME": "to",
    }
    assert config(Client().get(REFRESH, {"redirectBack": "/p/"}))["loginUrl"] == "/?to=/p/"


# -- the loop guard ---------------------------------------------------------------------------


def test_loop_guard_stops_after_max_attempts(st_core):
    client = Client()
    for _ in range(3):
        response = client.get("/protected/")
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == REFRESH
        assert "error" not in parse_qs(urlsplit(response.headers["Location"]).query)
    response = client.get("/protected/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{REFRESH}?error=loop"
    # The counter starts again, so a later visit is not stuck on the error page.
    assert response.cookies["st_ssr_refresh"].value == ""

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    parsed = parse(page)
    assert parsed.states["loop"] is True
    assert parsed.states["refreshing"] is False
    assert parsed.scripts == []  # no refresh attempt from the error page
    assert "cookie" in page.content.decode().lower()


def test_loop_guard_counts_per_page(st_core):
    # Tabs restored at once on an expired token visit different pages: not a loop.
    client = Client()
    for path in ("/protected/", "/protected/?tab=1", "/protected/?tab=2", "/protected/?tab=3"):
        location = client.get(path).headers["Location"]
        assert "error" not in parse_qs(urlsplit(location).query), path
    # The same page bouncing back is: the count continues only for that page.
    for _ in range(2):
        assert "error" not in client.get("/protected/?tab=3").headers["Location"]
    assert client.get("/protected/?tab=3").headers["Location"] == f"{REFRESH}?error=loop"


def test_loop_cookie_can_be_cleared_by_the_refresh_script(st_core):
    # refresh.js deletes it when a refresh fails (the round ends at the login page).
    cookie = Client().get("/protected/").cookies["st_ssr_refresh"]
    assert not cookie["httponly"]
    assert cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30


def test_loop_guard_respects_max_refresh_attempts(st_core, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "MAX_REFRESH_ATTEMPTS": 1}
    client = Client()
    assert "error" not in client.get("/protected/").headers["Location"]
    assert client.get("/protected/").headers["Location"].endswith("error=loop")


def test_loop_counter_resets_after_a_verified_page(st_login):
    client = Client()
    client.get("/protected/")
    client.get("/protected/")
    assert client.cookies["st_ssr_refresh"].value
    st_login(client)
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.cookies["st_ssr_refresh"].value == ""


def test_loop_counter_window_expires(st_core, settings, monkeypatch):
    import time

    from django_st_ssr import redirects

    client = Client()
    for _ in range(3):
        client.get("/protected/")
    later = time.time() + 31
    monkeypatch.setattr(redirects.time, "time", lambda: later)
    # The cookie's own max_age also passed; either way the window starts again.
    assert "error" not in client.get("/protected/").headers["Location"]


def test_tampered_loop_cookie_is_ignored(st_core):
    client = Client()
    client.cookies["st_ssr_refresh"] = "0:99999999999"
    response = client.get("/protected/")
    assert "error" not in response.headers["Location"]
    client.cookies["st_ssr_refresh"] = "garbage"
    assert "error" not in client.get("/protected/").headers["Location"]


def test_fetch_requests_do_not_count_towards_the_loop(st_core):
    client = Client(headers={"Sec-Fetch-Mode": "cors"})
    for _ in range(5):
        response = client.get("/protected/")
        assert response.status_code == 401
        assert "st_ssr_refresh" not in response.cookies


def test_refresh_page_is_public_under_login_required_middleware(st_core, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:-1],
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        settings.MIDDLEWARE[-1],
    ]
    assert Client().get(REFRESH).status_code == 200
    assert Client().get("/untouched/").status_code == 302  # the middleware is active


def test_pages_are_translated(st_core, settings):
    settings.LANGUAGE_CODE = "fr"
    page = Client().get(REFRESH).content.decode()
    assert "Renouvellement de votre session" in page
    assert '<html lang="fr">' in page
