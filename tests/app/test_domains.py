"""A site reached at another origin than APP_INFO names: one warning per process, at the first
request that carries a session or asks for the refresh page (the test settings name
http://localhost:8000; the test client is http://testserver)."""

from __future__ import annotations

import logging

import pytest

from django_st_ssr import domains
from django_st_ssr.testing import unique_email

LOCAL = {"HTTP_HOST": "localhost:8000"}


@pytest.fixture(autouse=True)
def fresh_process_state():
    domains.reset()
    yield
    domains.reset()


def warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "django_st_ssr" and r.levelno == logging.WARNING
    ]


def test_signed_in_visitor_on_another_origin_is_logged_once(client, st_login, caplog):
    me = st_login(client, email=unique_email())
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        first = client.get("/protected/")
        second = client.get("/protected/")
        client.get("/refresh-session/")
    # The pages still work; only the log says what is wrong.
    assert first.status_code == second.status_code == 200
    logged = warnings(caplog)
    assert len(logged) == 1
    assert "reached at http://testserver" in logged[0]
    assert "api_domain http://localhost:8000" in logged[0]
    assert me.access_token not in logged[0]


def test_refresh_page_on_another_origin_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        client.get("/refresh-session/?redirectBack=/protected/")
    assert len(warnings(caplog)) == 1


def test_the_configured_origin_is_quiet(client, st_login, caplog):
    st_login(client, email=unique_email())
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        assert client.get("/protected/", **LOCAL).status_code == 200
        client.get("/refresh-session/", **LOCAL)
    assert warnings(caplog) == []


def test_requests_without_a_session_are_not_judged(client, caplog):
    # A health check or an anonymous page view on an internal address says nothing about the
    # browser's origin.
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        assert client.get("/").status_code == 200
    assert warnings(caplog) == []
    # ...but the check still happens for the first request that matters.
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        client.get("/refresh-session/")
    assert len(warnings(caplog)) == 1


def test_an_insecure_request_to_an_https_site_is_a_mismatch(client, settings, caplog):
    # Behind a TLS-terminating proxy without SECURE_PROXY_SSL_HEADER, Django sees http.
    app_info = {
        **settings.SUPERTOKENS["APP_INFO"],
        "api_domain": "https://testserver",
        "website_domain": "https://testserver",
    }
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "APP_INFO": app_info}
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        client.get("/refresh-session/", secure=True)
    assert warnings(caplog) == []
    domains.reset()
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        client.get("/refresh-session/")
    assert "reached at http://testserver" in warnings(caplog)[0]
    assert "SECURE_PROXY_SSL_HEADER" in warnings(caplog)[0]


def test_a_callable_origin_is_asked_about_the_request(client, settings, caplog):
    # APP_INFO "origin" may be a function of the request (several front ends): a request it
    # names is at a configured origin.
    app_info = {
        key: value
        for key, value in settings.SUPERTOKENS["APP_INFO"].items()
        if key != "website_domain"
    }
    app_info["origin"] = lambda request, user_context: "http://testserver"
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "APP_INFO": app_info}
    with caplog.at_level(logging.WARNING, logger="django_st_ssr"):
        client.get("/refresh-session/")
    assert warnings(caplog) == []
