"""Email-password users, the core's user JSON, lookups and password-reset tokens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sessions import CoreError, now_ms

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

    def as_json(self, verified: bool = False) -> Body:
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
                    "verified": verified,
                }
            ],
        }


class UserStore:
    """Not thread-safe by itself: the server calls it under its one lock."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.reset_tokens: dict[str, tuple[str, str, int]] = {}  # token -> (user id, email, expiry)
        # The email verification store answers this (user id, email) -> verified.
        self.is_verified: Callable[[str, str], bool] = lambda user_id, email: False

    def _json(self, user: User) -> Body:
        return user.as_json(self.is_verified(user.id, user.email))

    def by_email(self, email: Any, tenant_id: str = "public") -> User | None:
        if not isinstance(email, str):
            return None
        email = normalise_email(email)
        return next(
            (u for u in self.users.values() if u.email == email and tenant_id in u.tenant_ids),
            None,
        )

    def sign_up(self, tenant_id: str, body: Body) -> Body:
        if not body["password"]:
            raise CoreError(400, "Password cannot be an empty string")
        email = normalise_email(body["email"])
        if self.by_email(email, tenant_id) is not None:
            return {"status": "EMAIL_ALREADY_EXISTS_ERROR"}
        user = User(str(uuid.uuid4()), email, hash_password(body["password"]), [tenant_id])
        self.users[user.id] = user
        return {"status": "OK", "user": self._json(user), "recipeUserId": user.id}

    def sign_in(self, tenant_id: str, body: Body) -> Body:
        user = self.by_email(body["email"], tenant_id)
        if user is None or not check_password(body["password"], user.password_hash):
            return {"status": "WRONG_CREDENTIALS_ERROR"}
        return {"status": "OK", "user": self._json(user), "recipeUserId": user.id}

    def get(self, user_id: Any) -> Body:
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        return {"status": "OK", "user": self._json(user)}

    def by_account_info(self, tenant_id: str, email: str | None) -> Body:
        user = self.by_email(email, tenant_id)
        return {"status": "OK", "users": [self._json(user)] if user else []}

    def list(self, tenant_id: str, query: dict[str, str]) -> Body:
        # Insertion order breaks ties, so users joined in the same millisecond keep their order.
        order = query.get("timeJoinedOrder", "ASC")
        if order not in ("ASC", "DESC"):
            raise CoreError(400, "timeJoinedOrder can be either ASC OR DESC")
        limit = _limit(query.get("limit"))
        start = _offset(query.get("paginationToken"))
        users = [u for u in self.users.values() if tenant_id in u.tenant_ids]
        users.sort(key=lambda u: u.time_joined)
        if order == "DESC":
            users.reverse()
        page = users[start : start + limit]
        response: Body = {"status": "OK", "users": [self._json(u) for u in page]}
        if start + limit < len(users):
            token = base64.b64encode(str(start + limit).encode()).decode()
            response["nextPaginationToken"] = token
        return response

    def count(self, tenant_id: str) -> Body:
        count = sum(tenant_id in u.tenant_ids for u in self.users.values())
        return {"status": "OK", "count": count}

    def remove(self, user_id: Any) -> bool:
        return self.users.pop(user_id, None) is not None if isinstance(user_id, str) else False

    def update(self, body: Body) -> Body:
        user = self.users.get(body["recipeUserId"])
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        email = body.get("email")
        if email is not None:
            email = normalise_email(email)
            other = self.by_email(email)
            if other is not None and other.id != user.id:
                return {"status": "EMAIL_ALREADY_EXISTS_ERROR"}
        password = body.get("password")
        if email is not None:
            user.email = email
        if password is not None:
            user.password_hash = hash_password(password)
        return {"status": "OK"}

    def create_reset_token(self, body: Body) -> Body:
        user = self.users.get(body["userId"])
        if user is None:
            return {"status": "UNKNOWN_USER_ID_ERROR"}
        token = secrets.token_urlsafe(48)
        email = normalise_email(body["email"])
        self.reset_tokens[token] = (user.id, email, now_ms() + RESET_TOKEN_VALIDITY_MS)
        return {"status": "OK", "token": token}

    def consume_reset_token(self, body: Body) -> Body:
        entry = self.reset_tokens.pop(body["token"], None)
        if entry is None or entry[2] < now_ms():
            return {"status": "RESET_PASSWORD_INVALID_TOKEN_ERROR"}
        user_id, email, _ = entry
        # Consuming one token invalidates the user's other outstanding tokens, like the real core.
        for token, (other_id, _, _) in list(self.reset_tokens.items()):
            if other_id == user_id:
                del self.reset_tokens[token]
        return {"status": "OK", "userId": user_id, "email": email}


def _limit(value: str | None) -> int:
    if value is None:
        return 100
    try:
        limit = int(value)
    except ValueError:
        raise CoreError(400, "Field name 'limit' must be an int in the GET request") from None
    if limit > 500:
        raise CoreError(400, "max limit allowed is 500")
    if limit < 1:
        raise CoreError(400, "limit must a positive integer with min value 1")
    return limit


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(base64.b64decode(token, validate=True).decode())
    except (binascii.Error, ValueError):
        raise CoreError(400, "invalid pagination token") from None
