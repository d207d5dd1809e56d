"""Email-password users, the core's user JSON, lookups and password-reset tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from .sessions import now_ms

Body = dict[str, Any]

RESET_TOKEN_VALIDITY_MS = 3600 * 1000


def normalise_email(email: str) -> str:
    # The real core trims and lower-cases emails before storing or comparing them.
    return email.strip().lower()


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    # Small scrypt cost: the hash must be real, but tests sign up many users.
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**10, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


@dataclass
class User:
    id: str
    email: str
    password_hash: str
    tenant_ids: list[str] = field(default_factory=lambda: ["public"])
    time_joined: int = field(default_factory=now_ms)

    def as_json(self) -> Body:
        return {
            "id": self.id,
            "isPrimaryUser": False,
            "tenantIds": list(self.tenant_ids),
            "emails": [self.email],
            "phoneNumbers": [],
            "thirdParty": [],
            "webauthn": {"credentialIds": []},
            "timeJoined": self.time_joined,
            "loginMethods": [
                {
                    "recipeId": "emailpassword",
                    "recipeUserId": self.id,
                    "tenantIds": list(self.tenant_ids),
                    "email": self.email,
                    "timeJoined": self.time_joined,
                    "verified": False,
                }
            ],
        }


class UserStore:
    """Not thread-safe by itself: the server calls it under its one lock."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.reset_tokens: dict[str, tuple[str, str, int]] = {}  # token -> (user id, email, expiry)

    def by_email(self, email: Any, tenant_id: str = "public") -> User | None:
        if not isinstance(email, str):
            return None
        email = normalise_email(email)
        return next(
            (u for u in self.users.values() if u.email == email and tenant_id in u.tenant_ids),
            None,
        )

    def sign_up(self, tenant_id: str, body: Body) -> Body:
        email = normalise_email(str(body.get("email", "")))
        if self.by_email(email, tenant_id) is not None:
            return {"status": "EMAIL_ALREADY_EXISTS_ERROR"}
        user = User(
            str(uuid.uuid4()), email, hash_password(str(body.get("password", ""))), [tenant_id]
        )
        self.users[user.id] = user
        return {"status": "OK", "user": user.as_json(), "recipeUserId": user.id}

    def sign_in(self, tenant_id: str, body: Body) -> Body:
        user = self.by_email(body.get("email"), tenant_id)
        if user is None or not check_password(str(body.get("password", "")), user.password_hash):
            return {"status": "WRONG_CREDENTIALS_ERROR"}
        return {"status": "OK", "user": user.as_json(), "recipeUserId": user.id}

    def get(self, user_id: Any) -> Body:
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        return {"status": "OK", "user": user.as_json()}

    def by_account_info(self, tenant_id: str, email: str | None) -> Body:
        user = self.by_email(email, tenant_id)
        return {"status": "OK", "users": [user.as_json()] if user else []}

    def list(self, tenant_id: str, query: dict[str, str]) -> Body:
        # Insertion order breaks ties, so users joined in the same millisecond keep their order.
        users = [u for u in self.users.values() if tenant_id in u.tenant_ids]
        users.sort(key=lambda u: u.time_joined)
        if query.get("timeJoinedOrder", "ASC").upper() == "DESC":
            users.reverse()
        start = int(query.get("paginationToken") or 0)
        limit = int(query.get("limit") or 100)
        page = users[start : start + limit]
        response: Body = {"status": "OK", "users": [u.as_json() for u in page]}
        if start + limit < len(users):
            response["nextPaginationToken"] = str(start + limit)
        return response

    def count(self, tenant_id: str) -> Body:
        count = sum(tenant_id in u.tenant_ids for u in self.users.values())
        return {"status": "OK", "count": count}

    def remove(self, user_id: Any) -> bool:
        return self.users.pop(user_id, None) is not None if isinstance(user_id, str) else False

    def update(self, body: Body) -> Body:
        user = self.users.get(str(body.get("recipeUserId")))
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        email = body.get("email")
        if email is not None:
            email = normalise_email(str(email))
            other = self.by_email(email)
            if other is not None and other.id != user.id:
                return {"status": "EMAIL_ALREADY_EXISTS_ERROR"}
        password = body.get("password")
        if email is not None:
            user.email = email
        if password is not None:
            user.password_hash = hash_password(str(password))
        return {"status": "OK"}

    def create_reset_token(self, body: Body) -> Body:
        user = self.users.get(str(body.get("userId")))
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        token = secrets.token_urlsafe(48)
        email = normalise_email(str(body.get("email") or user.email))
        self.reset_tokens[token] = (user.id, email, now_ms() + RESET_TOKEN_VALIDITY_MS)
        return {"status": "OK", "token": token}

    def consume_reset_token(self, body: Body) -> Body:
        entry = self.reset_tokens.pop(str(body.get("token")), None)
        if entry is None or entry[2] < now_ms():
            return {"status": "RESET_PASSWORD_INVALID_TOKEN_ERROR"}
        user_id, email, _ = entry
        # Consuming one token invalidates the user's other outstanding tokens, like the real core.
        for token, (other_id, _, _) in list(self.reset_tokens.items()):
            if other_id == user_id:
                del self.reset_tokens[token]
        return {"status": "OK", "userId": user_id, "email": email}
