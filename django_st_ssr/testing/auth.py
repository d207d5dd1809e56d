"""``force_login`` for SuperTokens: sign a Django user in through a real session.

The session is a real one of the configured core (the emulated core in tests), its cookies put
on a Django test client, so the request goes through the middleware, the backend and the token
exactly as a browser's would. Needs ``django_st_ssr.auth.SuperTokensBackend`` configured.

- pytest: the ``st_force_login`` fixture (and ``st_aforce_login``);
- ``manage.py test``: :class:`SuperTokensTestCaseMixin` gives ``self.st_force_login(...)``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .plugin import LoggedInSession, alogin


async def _assign_roles(user_id: str, roles: list[str], permissions: list[str]) -> bool:
    """Give the user these roles in the core when the userroles recipe is in use.

    Returns False when it is not: the claims then go straight into the token payload, as the
    recipe would have written them.
    """
    from supertokens_python.recipe.userroles.recipe import UserRolesRecipe

    try:
        UserRolesRecipe.get_instance()
    except Exception:
        return False
    from supertokens_python.recipe.userroles.asyncio import (
        add_role_to_user,
        create_new_role_or_add_permissions,
    )

    if permissions:
        # Permissions belong to roles: a role of this user's own carries the extra ones.
        roles = [*roles, f"st-test-{secrets.token_hex(6)}"]
    for role in roles:
        await create_new_role_or_add_permissions(role, permissions if role == roles[-1] else [])
        await add_role_to_user("public", user_id, role)
    return True


def _claims_payload(roles: list[str], permissions: list[str]) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {"st-role": {"v": roles, "t": now}, "st-perm": {"v": permissions, "t": now}}


async def aforce_login(
    client: Any,
    user: Any = None,
    *,
    roles: Iterable[str] = (),
    permissions: Iterable[str] = (),
) -> Any:
    """Sign ``user`` (a new one when None) in on ``client``; return the Django user.

    ``roles`` and ``permissions`` are SuperTokens ones (permissions named like Django's,
    "app_label.codename"): they reach ``request.user`` through the token, as in production.
    """
    from asgiref.sync import sync_to_async

    supertokens_id = await sync_to_async(_supertokens_id)(user)
    role_list, permission_list = list(roles), list(permissions)
    in_core = await _assign_roles(supertokens_id, role_list, permission_list)
    payload = None if in_core else _claims_payload(role_list, permission_list)
    session: LoggedInSession = await alogin(client, user_id=supertokens_id, payload=payload)
    return await sync_to_async(_user_of)(session)


def force_login(
    client: Any,
    user: Any = None,
    *,
    roles: Iterable[str] = (),
    permissions: Iterable[str] = (),
) -> Any:
    """Sync twin of :func:`aforce_login` (a sync test, ``TestCase``)."""
    from supertokens_python.async_to_sync_wrapper import sync

    supertokens_id = _supertokens_id(user)
    role_list, permission_list = list(roles), list(permissions)
    in_core = sync(_assign_roles(supertokens_id, role_list, permission_list))
    payload = None if in_core else _claims_payload(role_list, permission_list)
    session = sync(alogin(client, user_id=supertokens_id, payload=payload))
    return _user_of(session)


def _supertokens_id(user: Any) -> str:
    """The SuperTokens id linked to ``user``, linking a fresh one first if it has none."""
    from django_st_ssr.models import SuperTokensUserLink

    if user is None:
        return f"test-user-{secrets.token_hex(8)}"
    link = SuperTokensUserLink.objects.filter(user=user).first()
    if link is None:
        link = SuperTokensUserLink.objects.create(
            supertokens_id=f"test-user-{secrets.token_hex(8)}", user=user
        )
    return link.supertokens_id


def _user_of(session: LoggedInSession) -> Any:
    from supertokens_python.recipe.session.syncio import get_session_without_request_response

    from django_st_ssr.auth import user_for_session

    container = get_session_without_request_response(session.access_token)
    user = user_for_session(None, container)
    if not user.is_authenticated:
        raise ImproperlyConfigured(
            "force_login needs 'django_st_ssr.auth.SuperTokensBackend' (or the stateless one) "
            "in AUTHENTICATION_BACKENDS."
        )
    return user


class SuperTokensTestCaseMixin:
    """For ``django.test.TestCase``: ``self.st_force_login(user=None, roles=..., permissions=...)``.

    ::

        class OrdersTests(SuperTokensTestCaseMixin, TestCase):
            def test_staff_sees_orders(self):
                self.st_force_login(roles=["staff"], permissions=["orders.view_order"])
                self.assertEqual(self.client.get("/orders/").status_code, 200)
    """

    client: Any

    def st_force_login(
        self, user: Any = None, *, roles: Iterable[str] = (), permissions: Iterable[str] = ()
    ) -> Any:
        return force_login(self.client, user, roles=roles, permissions=permissions)
