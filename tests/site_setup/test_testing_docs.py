"""README "Testing your views": the unittest (``manage.py test``) and async snippets, as written."""

from __future__ import annotations

import pytest
from django.test import TestCase

from django_st_ssr.testing import unique_email
from django_st_ssr.testing.plugin import login


class DashboardTests(TestCase):
    def test_signed_in(self):
        me = login(self.client, email=unique_email())
        response = self.client.get("/protected/")
        self.assertContains(response, me.user_id)

    def test_signed_in_on_a_tenant(self):
        me = login(self.client, user_id=f"tenant-user-{unique_email()}", tenant_id="public")
        self.assertContains(self.client.get("/protected/"), me.user_id)

    def test_signed_out(self):
        response = self.client.get("/protected/", HTTP_ACCEPT="text/html")
        self.assertRedirects(response, "/refresh-session/?redirectBack=/protected/", 302, 200)


@pytest.mark.anyio
async def test_reports(async_client, st_alogin):
    me = await st_alogin(async_client, email=unique_email())
    response = await async_client.get("/aprotected/")
    assert response.status_code == 200
    assert me.user_id in response.content.decode()
