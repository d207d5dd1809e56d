"""System checks: each one fires on a broken setup and stays quiet on the test settings."""

from __future__ import annotations

import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from django_st_ssr import checks

OURS = "django_st_ssr.middleware.SuperTokensMiddleware"


def ids(messages) -> list[str]:
    return sorted(message.id for message in messages if message.id.startswith("django_st_ssr."))


def test_quiet_on_the_test_settings():
    assert ids(run_checks(include_deployment_checks=False)) == []


def test_e001_init_error(monkeypatch):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    config = apps.get_app_config("django_st_ssr")
    monkeypatch.setattr(type(config), "init_error", ImproperlyConfigured("CONNECTION_URI missing"))
    assert ids(checks.check_settings()) == ["django_st_ssr.E001"]


def test_e002_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != OURS]
    assert ids(checks.check_middleware()) == ["django_st_ssr.E002"]


def test_e002_quiet_for_a_subclass(settings):
    settings.MIDDLEWARE = [
        m if m != OURS else "tests.app.test_checks.MyMiddleware" for m in settings.MIDDLEWARE
    ]
    assert ids(checks.check_middleware()) == []


def test_e003_listed_twice(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, OURS]
    assert ids(checks.check_middleware()) == ["django_st_ssr.E003"]


def test_e003_with_the_sdk_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, checks.SDK_MIDDLEWARE]
    messages = checks.check_middleware()
    assert ids(messages) == ["django_st_ssr.E003"]
    assert "both" in messages[0].msg


def test_e003_security_middleware_after_ours(settings):
    security = "django.middleware.security.SecurityMiddleware"
    settings.MIDDLEWARE = [*[m for m in settings.MIDDLEWARE if m != security], security]
    messages = checks.check_middleware()
    assert ids(messages) == ["django_st_ssr.E003"]
    assert security in messages[0].msg


def test_e003_cors_middleware_after_ours(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "corsheaders.middleware.CorsMiddleware"]
    assert ids(checks.check_middleware()) == ["django_st_ssr.E003"]
    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", *settings.MIDDLEWARE[:-1]]
    assert ids(checks.check_middleware()) == []


def _with(settings, **changes):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, **changes}


def test_e004_header_only_transfer(settings):
    _with(settings, SESSION={"get_token_transfer_method": lambda req, create, uc: "header"})
    assert ids(checks.check_token_transfer()) == ["django_st_ssr.E004"]


@pytest.mark.parametrize("method", ["cookie", "any"])
def test_e004_quiet_for_cookie_or_any(settings, method):
    _with(settings, SESSION={"get_token_transfer_method": lambda req, create, uc: method})
    assert ids(checks.check_token_transfer()) == []


def test_e004_quiet_when_the_function_needs_a_request(settings):
    def needs_request(req, create, uc):
        return req.get_header("st-auth-mode")

    _with(settings, SESSION={"get_token_transfer_method": needs_request})
    assert ids(checks.check_token_transfer()) == []


def _app_info(settings, **changes):
    return {**settings.SUPERTOKENS["APP_INFO"], **changes}


def test_w001_different_hosts_without_cookie_domain(settings):
    _with(
        settings,
        APP_INFO=_app_info(
            settings, api_domain="https://api.example.com", website_domain="https://www.example.com"
        ),
    )
    assert ids(checks.check_cookie_domain()) == ["django_st_ssr.W001"]


@pytest.mark.parametrize("domain", [".example.com", "example.com"])
def test_w001_quiet_with_covering_cookie_domain(settings, domain):
    _with(
        settings,
        APP_INFO=_app_info(
            settings, api_domain="https://api.example.com", website_domain="https://www.example.com"
        ),
        SESSION={"cookie_domain": domain},
    )
    assert ids(checks.check_cookie_domain()) == []


def test_w001_fires_when_cookie_domain_covers_only_one(settings):
    _with(
        settings,
        APP_INFO=_app_info(
            settings, api_domain="https://api.example.com", website_domain="https://example.org"
        ),
        SESSION={"cookie_domain": ".example.com"},
    )
    assert ids(checks.check_cookie_domain()) == ["django_st_ssr.W001"]


def test_w001_quiet_when_only_ports_differ(settings):
    _with(
        settings,
        APP_INFO=_app_info(
            settings, api_domain="http://localhost:8001", website_domain="http://localhost:8000"
        ),
    )
    assert ids(checks.check_cookie_domain()) == []


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
def test_w002_time_zone(zone):
    with override_settings(TIME_ZONE=zone):
        assert ids(checks.check_time_zone()) == ["django_st_ssr.W002"]


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
def test_w002_quiet_for_utc(zone):
    with override_settings(TIME_ZONE=zone):
        assert ids(checks.check_time_zone()) == []


def test_e005_login_url_unresolvable(settings):
    _with(settings, LOGIN_URL="no-such-url-name")
    assert ids(checks.check_urls()) == ["django_st_ssr.E005"]


@pytest.mark.parametrize("url", ["login", "/login/", "https://accounts.example.com/login"])
def test_e005_quiet_for_names_paths_and_urls(settings, url):
    _with(settings, LOGIN_URL=url)
    assert ids(checks.check_urls()) == []


def test_e009_refresh_url_not_routed(settings):
    settings.ROOT_URLCONF = "tests.app.urls_without_refresh"
    messages = checks.check_urls()
    assert ids(messages) == ["django_st_ssr.E009"]
    assert messages[0].is_serious()  # an error: runserver and migrate refuse to start


def test_e009_refresh_path_not_routed(settings):
    _with(settings, REFRESH_URL="/nowhere/refresh/")
    assert ids(checks.check_urls()) == ["django_st_ssr.E009"]


def test_e009_quiet_for_another_host(settings):
    _with(settings, REFRESH_URL="https://www.example.com/refresh-session/")
    assert ids(checks.check_urls()) == []


from django_st_ssr.middleware import SuperTokensMiddleware  # noqa: E402


class MyMiddleware(SuperTokensMiddleware):
    pass


def test_e006_claim_redirect_unresolvable(settings):
    _with(settings, CLAIM_REDIRECTS={"st-ev": "no-such-url-name", "ok": "/verify/"})
    messages = checks.check_urls()
    assert ids(messages) == ["django_st_ssr.E006"]
    assert "st-ev" in messages[0].msg


def test_e006_claim_redirects_not_a_dict(settings):
    _with(settings, CLAIM_REDIRECTS=["/verify/"])
    assert ids(checks.check_urls()) == ["django_st_ssr.E006"]


def test_e006_quiet_for_names_and_paths(settings):
    _with(settings, CLAIM_REDIRECTS={"a": "login", "b": "/verify/", "c": "https://x.example/"})
    assert ids(checks.check_urls()) == []


@pytest.mark.parametrize("value", ["https://cdn.example/all.js", [{"integrity": "sha384-x"}], [42]])
def test_e007_web_js_malformed(settings, value):
    _with(settings, WEB_JS=value)
    assert ids(checks.check_web_js()) == ["django_st_ssr.E007"]


@pytest.mark.parametrize(
    "value", [None, [], ["https://cdn.example/a.js", {"src": "/b.js", "integrity": "sha384-x"}]]
)
def test_e007_quiet_for_valid_values(settings, value):
    _with(settings, WEB_JS=value)
    assert ids(checks.check_web_js()) == []


def test_w007_login_url_left_at_djangos_default(settings):
    from django.conf import global_settings

    settings.LOGIN_URL = global_settings.LOGIN_URL
    messages = checks.check_urls()
    assert ids(messages) == ["django_st_ssr.W007"]
    assert "not set" in messages[0].msg
    assert "/accounts/login/" in messages[0].msg


def test_w007_login_url_set_but_not_routed(settings):
    _with(settings, LOGIN_URL="/sign-in-typo/")
    messages = checks.check_urls()
    assert ids(messages) == ["django_st_ssr.W007"]
    assert "not set" not in messages[0].msg


def test_w007_quiet_for_a_login_page_on_another_host(settings):
    _with(settings, LOGIN_URL="https://accounts.example.com/login")
    assert ids(checks.check_urls()) == []


def test_w005_example_domains_while_serving_localhost(settings):
    # The README's domains with a development ALLOWED_HOSTS: the browser is on 127.0.0.1.
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = []
    app_info = {**settings.SUPERTOKENS["APP_INFO"]}
    app_info.update(api_domain="https://www.example.com", website_domain="https://www.example.com")
    _with(settings, APP_INFO=app_info)
    messages = checks.check_domains_served()
    assert ids(messages) == ["django_st_ssr.W005"]
    assert "www.example.com" in messages[0].msg


@pytest.mark.parametrize(
    ("allowed", "domain"),
    [
        ([], "http://127.0.0.1:8000"),
        ([], "http://localhost:8000"),
        (["www.example.com"], "https://www.example.com"),
        ([".example.com"], "https://api.example.com"),
        (["*"], "https://anything.example"),
    ],
)
def test_w005_quiet_when_allowed_hosts_serve_the_domains(settings, allowed, domain):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = allowed
    app_info = {**settings.SUPERTOKENS["APP_INFO"], "api_domain": domain, "website_domain": domain}
    _with(settings, APP_INFO=app_info)
    assert ids(checks.check_domains_served()) == []


def test_mixin_after_view_is_refused_at_class_creation():
    from django.core.exceptions import ImproperlyConfigured
    from django.views.generic import TemplateView

    from django_st_ssr import SSRSessionRequiredMixin

    with pytest.raises(ImproperlyConfigured, match="before View"):

        class Unprotected(TemplateView, SSRSessionRequiredMixin):
            pass

    class Base(TemplateView):
        pass

    with pytest.raises(ImproperlyConfigured, match="before View"):

        class AlsoUnprotected(Base, SSRSessionRequiredMixin):
            pass


def test_mixin_first_or_behind_other_mixins_is_accepted(rf):
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.views.generic import TemplateView

    from django_st_ssr import SSRSessionRequiredMixin

    class First(SSRSessionRequiredMixin, TemplateView):
        pass

    class AfterAnotherMixin(LoginRequiredMixin, SSRSessionRequiredMixin, TemplateView):
        pass

    class OwnMixin(SSRSessionRequiredMixin):
        pass

    class ThroughOwnMixin(OwnMixin, TemplateView):
        pass

    # Accepted and protecting: a visitor without a session is sent to the refresh page.
    for view in (First, ThroughOwnMixin):
        response = view.as_view(template_name="never-rendered.html")(rf.get("/page/"))
        assert response.status_code == 302
        assert response["Location"].startswith("/refresh-session/?")


# W008 without DRF (tests/contrib/test_drf_checks.py has the DRF classes themselves).
OUR_DRF = checks.DRF_AUTHENTICATION
DRF_SESSION = "rest_framework.authentication.SessionAuthentication"


@pytest.fixture
def without_drf(monkeypatch):
    """Django REST framework uninstalled: importing it fails, as in the matrix's virtualenvs."""
    for name in list(sys.modules):
        if name.split(".")[0] == "rest_framework" or name == "django_st_ssr.contrib.drf":
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rest_framework", None)


def _imported_drf() -> list[str]:
    return [
        name
        for name, module in sys.modules.items()
        if module is not None
        and (name.split(".")[0] == "rest_framework" or name == "django_st_ssr.contrib.drf")
    ]


def test_w008_quiet_without_rest_framework_settings(settings):
    if hasattr(settings, "REST_FRAMEWORK"):
        del settings.REST_FRAMEWORK
    assert checks.check_drf_authentication() == []


@pytest.mark.parametrize(
    "value",
    [
        None,
        "nonsense",
        ["a", "list"],
        {},
        {"DEFAULT_AUTHENTICATION_CLASSES": None},
        {"DEFAULT_AUTHENTICATION_CLASSES": OUR_DRF},  # a string, not a list: DRF fails itself
        {"DEFAULT_AUTHENTICATION_CLASSES": []},
        {"DEFAULT_AUTHENTICATION_CLASSES": [None, 3, "", ".x", "nodots", "no.such.Class"]},
    ],
)
def test_w008_quiet_on_odd_settings(settings, value):
    settings.REST_FRAMEWORK = value
    assert checks.check_drf_authentication() == []


def test_w008_ours_behind_another_class_without_drf_installed(settings, without_drf):
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [DRF_SESSION, OUR_DRF]}
    messages = checks.check_drf_authentication()
    assert ids(messages) == ["django_st_ssr.W008"]
    assert DRF_SESSION in messages[0].hint
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [None, "", OUR_DRF]}
    assert ids(checks.check_drf_authentication()) == ["django_st_ssr.W008"]
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [OUR_DRF, DRF_SESSION]}
    assert checks.check_drf_authentication() == []
    # Deciding all that imported neither DRF nor contrib.drf.
    assert _imported_drf() == []
