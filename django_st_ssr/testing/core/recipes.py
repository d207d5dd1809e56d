"""The recipes the README's claim examples need: email verification, user roles, user metadata.

Answers follow the real core's CDI 5.4 endpoints that supertokens-python's recipe implementations
call (``recipe/{emailverification,userroles,usermetadata}/recipe_implementation.py``).
"""

from __future__ import annotations

import secrets
from typing import Any

from .sessions import CoreError, now_ms
from .users import normalise_email

Body = dict[str, Any]

EMAIL_VERIFICATION_TOKEN_VALIDITY_MS = 24 * 3600 * 1000


class EmailVerificationStore:
    """Verified (user id, email) pairs, app-wide; tokens are per tenant, like the real core."""

    def __init__(self) -> None:
        self.verified: set[tuple[str, str]] = set()
        # token -> (tenant id, user id, email, expiry ms)
        self.tokens: dict[str, tuple[str, str, str, int]] = {}

    def is_verified(self, user_id: str, email: str) -> bool:
        return (user_id, normalise_email(email)) in self.verified

    def create_token(self, tenant_id: str, body: Body) -> Body:
        user_id, email = body["userId"], normalise_email(body["email"])
        if self.is_verified(user_id, email):
            return {"status": "EMAIL_ALREADY_VERIFIED_ERROR"}
        # The real core's tokens are long random strings, URL-safe (they go into links).
        token = secrets.token_urlsafe(96)
        self.tokens[token] = (
            tenant_id,
            user_id,
            email,
            now_ms() + EMAIL_VERIFICATION_TOKEN_VALIDITY_MS,
        )
        return {"status": "OK", "token": token}

    def verify(self, tenant_id: str, body: Body) -> Body:
        if body["method"] != "token":
            raise CoreError(400, "Unsupported method for email verification")
        entry = self.tokens.pop(body["token"], None)
        if entry is None or entry[0] != tenant_id or entry[3] < now_ms():
            return {"status": "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}
        _, user_id, email, _ = entry
        self.verified.add((user_id, email))
        self._drop_tokens(user_id, email)
        return {"status": "OK", "userId": user_id, "email": email}

    def is_verified_answer(self, query: dict[str, str]) -> Body:
        return {"status": "OK", "isVerified": self.is_verified(query["userId"], query["email"])}

    def revoke_tokens(self, tenant_id: str, body: Body) -> Body:
        self._drop_tokens(body["userId"], normalise_email(body["email"]), tenant_id)
        return {"status": "OK"}

    def unverify(self, body: Body) -> Body:
        self.verified.discard((body["userId"], normalise_email(body["email"])))
        return {"status": "OK"}

    def forget_user(self, user_id: str) -> None:
        self.verified = {pair for pair in self.verified if pair[0] != user_id}
        self._drop_tokens(user_id, None)

    def _drop_tokens(self, user_id: str, email: str | None, tenant_id: str | None = None) -> None:
        for token, (tenant, uid, mail, _) in list(self.tokens.items()):
            if uid == user_id and email in (None, mail) and tenant_id in (None, tenant):
                del self.tokens[token]


def _unknown_role() -> Body:
    return {"status": "UNKNOWN_ROLE_ERROR"}


def _name(value: str, field: str) -> str:
    """Role and permission names are trimmed by the real core, and may not be empty."""
    name = value.strip()
    if not name:
        raise CoreError(400, f"Field name '{field}' cannot be an empty String")
    return name


class RoleStore:
    """Roles with their permissions (app-wide) and role grants (per tenant)."""

    def __init__(self) -> None:
        self.roles: dict[str, list[str]] = {}  # role -> permissions, in insertion order
        self.grants: dict[tuple[str, str], list[str]] = {}  # (tenant, user id) -> roles

    def create_or_add_permissions(self, body: Body) -> Body:
        role = _name(body["role"], "role")
        added = [_name(p, "permissions") for p in body.get("permissions") or []]
        created = role not in self.roles
        permissions = self.roles.setdefault(role, [])
        for permission in added:
            if permission not in permissions:
                permissions.append(permission)
        return {"status": "OK", "createdNewRole": created}

    def permissions(self, query: dict[str, str]) -> Body:
        permissions = self.roles.get(_name(query["role"], "role"))
        if permissions is None:
            return _unknown_role()
        return {"status": "OK", "permissions": list(permissions)}

    def remove_permissions(self, body: Body) -> Body:
        permissions = self.roles.get(_name(body["role"], "role"))
        if permissions is None:
            return _unknown_role()
        removed = body.get("permissions")
        # Without a list, the real core removes every permission of the role.
        permissions[:] = [] if removed is None else [p for p in permissions if p not in removed]
        return {"status": "OK"}

    def roles_with_permission(self, query: dict[str, str]) -> Body:
        permission = _name(query["permission"], "permission")
        return {"status": "OK", "roles": [r for r, ps in self.roles.items() if permission in ps]}

    def delete(self, body: Body) -> Body:
        role = _name(body["role"], "role")
        existed = self.roles.pop(role, None) is not None
        for roles in self.grants.values():
            if role in roles:
                roles.remove(role)
        return {"status": "OK", "didRoleExist": existed}

    def all_roles(self) -> Body:
        return {"status": "OK", "roles": list(self.roles)}

    def add_to_user(self, tenant_id: str, body: Body) -> Body:
        role = _name(body["role"], "role")
        if role not in self.roles:
            return _unknown_role()
        roles = self.grants.setdefault((tenant_id, body["userId"]), [])
        had = role in roles
        if not had:
            roles.append(role)
        return {"status": "OK", "didUserAlreadyHaveRole": had}

    def remove_from_user(self, tenant_id: str, body: Body) -> Body:
        role = _name(body["role"], "role")
        if role not in self.roles:
            return _unknown_role()
        roles = self.grants.get((tenant_id, body["userId"]), [])
        had = role in roles
        if had:
            roles.remove(role)
        return {"status": "OK", "didUserHaveRole": had}

    def roles_of_user(self, tenant_id: str, query: dict[str, str]) -> Body:
        return {"status": "OK", "roles": list(self.grants.get((tenant_id, query["userId"]), []))}

    def users_with_role(self, tenant_id: str, query: dict[str, str]) -> Body:
        role = _name(query["role"], "role")
        if role not in self.roles:
            return _unknown_role()
        users = [
            uid
            for (tenant, uid), roles in self.grants.items()
            if tenant == tenant_id and role in roles
        ]
        return {"status": "OK", "users": users}

    def forget_user(self, user_id: str) -> None:
        for key in [k for k in self.grants if k[1] == user_id]:
            del self.grants[key]


class MetadataStore:
    """One JSON object per user id; updates merge shallowly and ``null`` deletes a key."""

    def __init__(self) -> None:
        self.metadata: dict[str, dict[str, Any]] = {}

    def get(self, query: dict[str, str]) -> Body:
        return {"status": "OK", "metadata": dict(self.metadata.get(query["userId"], {}))}

    def update(self, body: Body) -> Body:
        metadata = self.metadata.setdefault(body["userId"], {})
        for key, value in body["metadataUpdate"].items():
            if value is None:
                metadata.pop(key, None)
            else:
                metadata[key] = value
        return {"status": "OK", "metadata": dict(metadata)}

    def remove(self, body: Body) -> Body:
        self.metadata.pop(body["userId"], None)
        return {"status": "OK"}

    def forget_user(self, user_id: str) -> None:
        self.metadata.pop(user_id, None)
