"""st_force_login / SuperTokensTestCaseMixin: real sessions for a given or a new Django user."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient, Client, TestCase, override_settings

from django_st_ssr.models import SuperTokensUserLink
from django_st_ssr.testing.auth import SuperTokensTestCaseMixin
from tests.auth.conftest import BACKENDS

pytestmark = pytest.mark.django_db


def test_force_login_a_given_user(st_force_login):
    user = get_user_model().objects.create_user("alice", email="alice@example.com")
    client = Client()
    assert st_force_login(client, user) == user
    assert client.get("/whoami/").content == b"authenticated:alice:staff=False"
    # Again: the same link, a new session.
    other = Client()
    st_force_login(other, user)
    assert other.get("/whoami/").content == b"authenticated:alice:staff=False"
    assert SuperTokensUserLink.objects.filter(user=user).count() == 1


def test_force_login_a_new_user_with_roles_and_permissions(st_force_login, settings):
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "STAFF_ROLES": ["staff"]}
    client = Client()
    user = st_force_login(client, roles=["staff"], permissions=["auth_tests.view_report"])
    assert user.is_staff
    assert client.get("/reports/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/whoami/").content.decode() == f"authenticated:{user.username}:staff=True"


def test_force_login_without_the_backend_says_so(st_force_login, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    with pytest.raises(ImproperlyConfigured, match="AUTHENTICATION_BACKENDS"):
        st_force_login(Client())


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_aforce_login(st_aforce_login, async_db_threads):
    client = AsyncClient()
    user = await st_aforce_login(client, permissions=["auth_tests.view_report"])
    assert (await client.get("/awhoami/")).content.decode() == f"authenticated:{user.username}"


@override_settings(AUTHENTICATION_BACKENDS=BACKENDS, ROOT_URLCONF="tests.auth.urls")
class MixinTests(SuperTokensTestCaseMixin, TestCase):
    def test_sign_in_a_user_for_the_test_client(self):
        user = get_user_model().objects.create_user("bob")
        self.st_force_login(user)
        assert self.client.get("/members/").content == b"user:bob"

    def test_permissions(self):
        self.st_force_login(permissions=["auth_tests.view_report"])
        assert self.client.get("/reports/").status_code == 200
        self.client.cookies.clear()
        assert self.client.get("/reports/")["Location"] == "/login/?next=/reports/"
