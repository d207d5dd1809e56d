"""Links back to "this page" stay on this site, whatever path the browser asked for.

The 503 page's "Try again" link, and the page that sends an expired session's form again.

On a catch-all protected route during an outage the path is the visitor's to choose: a raw
``//evil.example/x`` (or ``///evil.example``) as a link is another site to a browser.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path, re_path

from django_st_ssr import responses, ssr_session_required
from tests.security.conftest import location_is_on_site


@ssr_session_required(check_database=True)
def catch_all(request: HttpRequest, rest: str) -> HttpResponse:
    return HttpResponse(f"page:{rest}")


urlpatterns = [
    path("", include("django_st_ssr.urls")),
    re_path(r"^(?P<rest>.*)$", catch_all),
]

HOSTILE_PATHS = [
    "//evil.example/x",
    "///evil.example",
    "//evil.example:443/x?y=1",
    "/\\evil.example/x",
    "//\tevil.example/",
]
PAGE = {"HTTP_ACCEPT": "text/html", "HTTP_SEC_FETCH_MODE": "navigate"}


def retry_link(response: Any) -> str:
    match = re.search(r'<a href="([^"]*)">Try again</a>', response.content.decode())
    assert match, response.content.decode()[:500]
    return match.group(1).replace("&amp;", "&")


def assert_on_this_site(link: str) -> None:
    assert location_is_on_site(link), link
    parts = urlsplit(link)
    assert parts.netloc in ("", "testserver"), link
    assert not link.startswith("//"), link


@pytest.mark.parametrize("hostile", HOSTILE_PATHS)
def test_the_retry_link_of_the_503_page_stays_on_this_site(hostile: str) -> None:
    request = RequestFactory().get("/placeholder/", PATH_INFO=hostile, **PAGE)
    response = responses.core_unavailable(request)
    assert response.status_code == 503
    assert_on_this_site(retry_link(response))


def test_an_ordinary_page_gets_a_link_back_to_itself() -> None:
    request = RequestFactory().get("/reports/2024/?page=2", **PAGE)
    assert retry_link(responses.core_unavailable(request)) == "/reports/2024/?page=2"


@pytest.mark.parametrize("hostile", HOSTILE_PATHS)
def test_a_form_sent_again_goes_to_this_site(hostile: str) -> None:
    # An HTML form whose session expired is sent again from a page: its action is this page.
    request = RequestFactory().post(
        "/placeholder/", {"note": "secret draft"}, PATH_INFO=hostile, **PAGE
    )
    request.COOKIES.clear()
    page = responses.form_resubmission(request).content.decode()
    match = re.search(r'<form id="django-st-ssr-resubmit" method="post" action="([^"]*)"', page)
    assert match, page[:500]
    assert_on_this_site(match.group(1).replace("&amp;", "&"))


@pytest.mark.emulator_only(reason="takes the core down")
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("hostile", HOSTILE_PATHS[:2])
def test_a_catch_all_route_during_an_outage(st_core: Any, st_login: Any, hostile: str) -> None:
    client = Client()
    st_login(client)
    st_core.down()
    response = client.get("/placeholder/", PATH_INFO=hostile, **PAGE)
    assert response.status_code == 503
    assert_on_this_site(retry_link(response))
