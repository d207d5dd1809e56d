from __future__ import annotations

from supertokens_python.recipe.session.syncio import get_session_without_request_response

from django_st_ssr.testing import unique_email


def test_st_login_gives_a_session_the_sdk_verifies(st_core, st_login, client):
    logged_in = st_login(client, email=unique_email())
    session = get_session_without_request_response(client.cookies["sAccessToken"].value)
    assert session.get_user_id() == logged_in.user_id
    assert client.cookies["sRefreshToken"]["path"] == "/auth/session/refresh"
