"""login_required & co., permissions from roles, the admin: what a user ends up seeing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from django_st_ssr.testing import unique_email
from tests.auth.conftest import roles_payload

pytestmark = pytest.mark.django_db

PROTECTED = ["/members/", "/reports/", "/staff/", "/cbv-members/", "/cbv-reports/"]
LOGIN_REQUIRED_MIDDLEWARE = "django.contrib.auth.middleware.LoginRequiredMiddleware"
NAV = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}


def _refresh(client: Client) -> None:
    # What the refresh page's script does: the SDK's refresh API with the refresh cookie.
    assert client.post("/auth/session/refresh", headers={"rid": "session"}).status_code == 200


@pytest.mark.parametrize("url", PROTECTED)
def test_signed_out_visitor_ends_on_sign_in_with_next(st_core, url):
    response = Client().get(url, headers=NAV)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_login_required_middleware_sends_visitors_to_sign_in(st_core, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    response = Client().get("/whoami/?x=1", headers=NAV)
    assert response["Location"] == "/login/?next=/whoami/%3Fx%3D1"


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
@pytest.mark.parametrize("url", ["/members/", "/cbv-members/", "/staff/", "/reports/"])
def test_expired_token_refreshes_and_comes_back(st_core, st_login, url):
    client = Client()
    st_login(client, payload=roles_payload(["admin"], ["auth_tests.view_report"]))
    client.get("/whoami/")
    get_user_model().objects.all().update(is_staff=True)
    assert client.get(url).status_code == 200
    st_core.expire_access_token_cookie(client)

    response = client.get(url, headers=NAV)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("django_st_ssr:refresh_session")
    assert parse_qs(target.query)["redirectBack"] == [url]
    assert "no-cache" in response["Cache-Control"]

    _refresh(client)
    response = client.get(url, headers=NAV)
    assert response.status_code == 200
    assert response.content.startswith(b"user:")


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_under_login_required_middleware(st_core, st_login, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    client = Client()
    session = st_login(client, email=unique_email())
    st_core.expire_access_token_cookie(client)
    response = client.get("/whoami/", headers=NAV)
    assert parse_qs(urlsplit(response["Location"]).query)["redirectBack"] == ["/whoami/"]
    _refresh(client)
    assert client.get("/whoami/").content.decode().startswith(f"authenticated:{session.user_id}")


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_on_a_fetch_gets_401_not_a_sign_in_page(st_core, st_login):
    client = Client()
    st_login(client, email=unique_email())
    st_core.expire_access_token_cookie(client)
    response = client.get(
        "/members/", headers={"Accept": "application/json", "Sec-Fetch-Mode": "cors"}
    )
    assert response.status_code == 401
    assert response["X-SuperTokens-Refresh-URL"]


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_with_permission_denied_refreshes(st_core, st_login):
    client = Client()
    st_login(client, payload=roles_payload([], ["auth_tests.view_report"]))
    assert client.get("/reports-403/").status_code == 200
    st_core.expire_access_token_cookie(client)
    assert client.get("/reports-403/", headers=NAV).status_code == 302
    _refresh(client)
    assert client.get("/reports-403/").status_code == 200


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_refresh_loop_ends(st_core, st_login):
    # A browser whose refresh never sticks must not bounce for ever (redirects.loop guard).
    client = Client()
    st_login(client, email=unique_email())
    st_core.expire_access_token_cookie(client)
    locations = [client.get("/members/", headers=NAV)["Location"] for _ in range(4)]
    assert "error=loop" in locations[-1]


def test_signed_in_without_the_permission(st_login):
    client = Client()
    st_login(client, payload=roles_payload(["viewer"], ["auth_tests.other"]))
    assert client.get("/members/").status_code == 200
    # Signed in but lacking the permission: Django's own answer (sign in as someone else).
    assert client.get("/reports/")["Location"] == "/login/?next=/reports/"
    assert client.get("/reports-403/").status_code == 403
    assert client.get("/cbv-reports/").status_code == 403
    assert client.get("/perms/").content.decode().split("|")[:2] == ["module", ""]


def test_permissions_come_from_the_token(st_login):
    client = Client()
    st_login(client, payload=roles_payload(["analyst"], ["auth_tests.view_report"]))
    assert client.get("/reports/").status_code == 200
    assert client.get("/cbv-reports/").status_code == 200
    assert client.get("/perms/").content.decode().startswith("module|report|")


def test_staff_and_superuser_follow_role_names(st_login, settings):
    settings.SUPERTOKENS = {
        **settings.SUPERTOKENS,
        "STAFF_ROLES": ["admin"],
        "SUPERUSER_ROLES": ["root"],
    }
    staff, plain, root = Client(), Client(), Client()
    st_login(staff, payload=roles_payload(["admin"]))
    st_login(plain, payload=roles_payload(["viewer"]))
    st_root = st_login(root, payload=roles_payload(["root"]))
    assert staff.get("/staff/").status_code == 200
    assert plain.get("/staff/")["Location"] == "/login/?next=/staff/"
    # A superuser role makes staff too, and has every permission.
    assert root.get("/reports/").status_code == 200
    user = get_user_model().objects.get(username=st_root.user_id)
    assert (user.is_staff, user.is_superuser) == (True, True)


def test_a_withdrawn_role_takes_staff_away(st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    session = st_login(client, payload=roles_payload(["admin"]))
    assert client.get("/staff/").status_code == 200
    st_login(client, user_id=session.user_id, payload=roles_payload([]))
    assert client.get("/staff/").status_code == 302
    assert not get_user_model().objects.get(username=session.user_id).is_staff


def test_without_role_settings_the_database_flags_rule(st_login):
    client = Client()
    session = st_login(client, payload=roles_payload(["admin"]))
    assert client.get("/staff/").status_code == 302
    get_user_model().objects.filter(username=session.user_id).update(is_staff=True)
    assert client.get("/staff/").status_code == 200


# -- the admin ---------------------------------------------------------------------------------


def test_admin_for_staff_signed_in_with_supertokens(st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    st_login(client, email=unique_email(), payload=roles_payload(["admin"]))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Site administration" in response.content
    # The login page sends a signed-in staff member straight back.
    assert client.get("/admin/login/?next=/admin/auth/")["Location"] == "/admin/auth/"


def test_admin_login_leads_to_the_site_sign_in_and_back(st_core):
    client = Client()
    response = client.get("/admin/", follow=False)
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response["Location"] == "/login/?next=/admin/"
    # A hostile next is not carried along.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/login/?next=/admin/"


def test_admin_refuses_non_staff(st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    st_login(client, payload=roles_payload(["viewer"]))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]


def test_admin_logout_revokes_the_supertokens_session(st_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    st_login(client, payload=roles_payload(["admin"]))
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert response.cookies["sAccessToken"].value == ""
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/whoami/").content == b"anonymous::staff=False"


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
@pytest.mark.parametrize("url", ["/members/?tab=a%20b", "/cbv-reports/", "/admin/"])
def test_expired_token_with_server_side_refresh_lands_back_on_the_page(
    st_core, st_login, settings, url
):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "REFRESH_MODE": "server"}
    settings.SUPERTOKENS["STAFF_ROLES"] = ["admin"]
    # The host APP_INFO names, where the refresh handler may send the browser back to.
    client = Client(HTTP_HOST="localhost:8000")
    session = st_login(client, payload=roles_payload(["admin"], ["auth_tests.view_report"]))
    assert client.get(url).status_code == 200
    st_core.expire_access_token_cookie(client)

    response = client.get(url, headers=NAV, follow=True)
    assert response.status_code == 200
    final = response.redirect_chain[-1][0]
    assert urlsplit(final)._replace(scheme="", netloc="").geturl() == url
    hops = " ".join(hop for hop, _ in response.redirect_chain)
    assert "/auth/session/refresh" in hops
    assert "/login/" not in hops
    if not url.startswith("/admin/"):
        assert response.content.decode() == f"user:{session.user_id}"
