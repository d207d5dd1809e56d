"""request.user / request.auser() from the SuperTokens session, users created on first sight."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient, Client

from django_st_ssr.models import SuperTokensUserLink
from django_st_ssr.testing import unique_email

pytestmark = pytest.mark.django_db


def test_anonymous_without_a_session(st_core):
    assert Client().get("/whoami/").content == b"anonymous::staff=False"


def test_first_request_creates_the_user_with_the_email_then_reuses_it(st_login):
    email = unique_email()
    client = Client()
    session = st_login(client, email=email)
    assert not SuperTokensUserLink.objects.filter(supertokens_id=session.user_id).exists()

    assert client.get("/whoami/").content.decode() == f"authenticated:{session.user_id}:staff=False"
    link = SuperTokensUserLink.objects.select_related("user").get(supertokens_id=session.user_id)
    assert link.user.email == email
    assert not link.user.has_usable_password()

    # Another device of the same user: the same row, no second one.
    other = Client()
    st_login(other, user_id=session.user_id)
    assert other.get("/whoami/").content.decode().startswith(f"authenticated:{session.user_id}")
    assert get_user_model().objects.filter(username=session.user_id).count() == 1


def test_known_user_costs_one_query(st_login, django_assert_num_queries):
    client = Client()
    session = st_login(client, email=unique_email())
    client.get("/whoami/")
    with django_assert_num_queries(1):
        response = client.get("/whoami/")
    assert response.content.decode().startswith(f"authenticated:{session.user_id}")


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_one_core_call_per_new_user_never_per_request(st_core, st_login):
    client = Client()
    st_login(client, email=unique_email())
    st_core.reset_log()
    for _ in range(3):
        assert client.get("/whoami/").content.startswith(b"authenticated:")
    # The user lookup (emails) happened once; the session itself is verified locally.
    assert st_core.calls() == 1


def test_user_without_email_recipe_gets_a_row_too(st_login):
    client = Client()
    session = st_login(client, user_id=f"no-email-{unique_email()}")
    assert client.get("/whoami/").content.decode().startswith(f"authenticated:{session.user_id}")
    assert SuperTokensUserLink.objects.get(supertokens_id=session.user_id).user.email == ""


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_auser_in_async_views(st_alogin, async_db_threads):
    assert (await AsyncClient().get("/awhoami/")).content == b"anonymous:"
    client = AsyncClient()
    session = await st_alogin(client, email=unique_email())
    assert (await client.get("/awhoami/")).content.decode() == f"authenticated:{session.user_id}"
    assert (await client.get("/amembers/")).status_code == 200


def test_signing_out_signs_out_of_django_too(st_login):
    client = Client()
    st_login(client, email=unique_email())
    assert client.get("/members/").status_code == 200
    response = client.post("/auth/signout", headers={"rid": "session"})
    assert response.status_code == 200
    assert client.get("/whoami/").content == b"anonymous::staff=False"
    assert client.get("/members/")["Location"] == "/login/?next=/members/"


def test_unknown_users_stay_anonymous_when_creation_is_off(st_login, settings):
    settings.AUTHENTICATION_BACKENDS = ["tests.auth.backends.NoNewUsersBackend"]
    client = Client()
    st_login(client, email=unique_email())
    assert client.get("/whoami/").content == b"anonymous::staff=False"
    assert not SuperTokensUserLink.objects.exists()


def test_hooks_shape_new_users(st_login, settings):
    settings.AUTHENTICATION_BACKENDS = ["tests.auth.backends.NamingBackend"]
    client = Client()
    email = unique_email()
    session = st_login(client, email=email)
    assert client.get("/whoami/").content.decode() == f"authenticated:{email}:staff=False"
    user = SuperTokensUserLink.objects.get(supertokens_id=session.user_id).user
    assert user.first_name == "configured"


def test_django_session_login_still_works_beside_supertokens(st_core):
    user = get_user_model().objects.create_user("local-admin", password="pw-1234567")
    client = Client()
    client.force_login(user)
    assert client.get("/whoami/").content == b"authenticated:local-admin:staff=False"


def test_stateless_user(st_login, settings, django_assert_num_queries):
    from tests.auth.conftest import roles_payload

    settings.AUTHENTICATION_BACKENDS = ["django_st_ssr.auth.SuperTokensStatelessBackend"]
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["admin"]}
    client = Client()
    session = st_login(client, payload=roles_payload(["admin"], ["auth_tests.view_report"]))
    with django_assert_num_queries(0):
        assert client.get("/whoami/").content.decode() == (
            f"authenticated:{session.user_id}:staff=True"
        )
        assert client.get("/reports/").status_code == 200
    assert not SuperTokensUserLink.objects.exists()
    assert client.get("/perms/").content.decode() == f"module|report|{session.user_id}"


def test_authenticate_accepts_a_session(st_login, rf):
    from django.contrib.auth import authenticate
    from supertokens_python.recipe.session.syncio import get_session_without_request_response

    session = st_login(Client(), email=unique_email())
    container = get_session_without_request_response(session.access_token)
    user = authenticate(rf.get("/"), st_session=container)
    assert user is not None
    assert user.get_username() == session.user_id
    assert authenticate(rf.get("/")) is None


# -- system checks -----------------------------------------------------------------------------


def _check_ids() -> list[str]:
    from django.core.checks import run_checks

    return [message.id for message in run_checks(include_deployment_checks=False)]


def test_check_quiet_when_configured_as_documented():
    assert _check_ids() == []


def test_check_authentication_middleware_after_ours(settings):
    middleware = [m for m in settings.MIDDLEWARE if "AuthenticationMiddleware" not in m]
    settings.MIDDLEWARE = [*middleware, "django.contrib.auth.middleware.AuthenticationMiddleware"]
    assert "django_st_ssr.E031" in _check_ids()


def test_check_backend_without_contrib_auth(settings):
    from django_st_ssr.checks import check_auth

    settings.AUTHENTICATION_BACKENDS = ["django_st_ssr.auth.SuperTokensBackend"]
    with pytest.MonkeyPatch.context() as patch:
        from django.apps import apps

        real = apps.is_installed
        patch.setattr(
            apps, "is_installed", lambda name: name != "django.contrib.auth" and real(name)
        )
        assert [m.id for m in check_auth()] == ["django_st_ssr.E030"]
