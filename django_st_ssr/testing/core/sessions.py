"""Sessions: create, verify, refresh with rotation and theft detection, revoke, data, payload.

Follows the real core's refresh-token scheme: the store keeps refreshTokenHash2 =
sha256(sha256(refresh token)) of the newest *promoted* refresh token. A refresh issues a child token
without promoting it, so two tabs racing with the same token each get a child instead of a logout;
the child is promoted on its first use (a verify with its access token, or a refresh with it).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .keys import InvalidToken, KeyRing

# Claims the core owns; a user payload cannot set them.
PROTECTED_CLAIMS = frozenset(
    {
        "sub",
        "rsub",
        "tId",
        "iat",
        "exp",
        "sessionHandle",
        "refreshTokenHash1",
        "parentRefreshTokenHash1",
        "antiCsrfToken",
    }
)

Body = dict[str, Any]


class CoreError(Exception):
    """An answer other than 200: the real core's plain-text error (400 bad input, 500 crash)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def user_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload the user may set: the real core refuses one that names a claim it owns."""
    if PROTECTED_CLAIMS.intersection(payload):
        raise CoreError(400, "The user payload contains protected field")
    return payload


def new_refresh_token() -> str:
    """Shaped like the real core's: ``<standard base64>.<sha256 hex>.V2``, 316 characters.

    The real token is encrypted session data; random bytes of the same length give the same
    alphabet (``+``, ``/`` and ``=`` padding), so cookie quoting bugs show up against the emulator.
    """
    data = base64.b64encode(secrets.token_bytes(184)).decode()
    return f"{data}.{hashlib.sha256(data.encode()).hexdigest()}.V2"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Session:
    handle: str
    user_id: str
    recipe_user_id: str
    tenant_id: str
    user_data_in_jwt: dict[str, Any]
    user_data_in_db: dict[str, Any]
    refresh_hash2: str
    expiry: int
    time_created: int = field(default_factory=now_ms)
    refresh_tokens: list[str] = field(default_factory=list)

    def as_json(self) -> Body:
        return {
            "handle": self.handle,
            "userId": self.user_id,
            "recipeUserId": self.recipe_user_id,
            "userDataInJWT": self.user_data_in_jwt,
            "tenantId": self.tenant_id,
        }


@dataclass(frozen=True)
class RefreshTokenInfo:
    handle: str
    parent_hash1: str | None
    anti_csrf: str | None


def _custom_payload(claims: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in claims.items() if k not in PROTECTED_CLAIMS}


def _unauthorised(message: str) -> Body:
    return {"status": "UNAUTHORISED", "message": message}


class SessionStore:
    """Not thread-safe by itself: the server calls it under its one lock."""

    def __init__(self, keys: KeyRing, access_token_validity: int, refresh_token_validity: int):
        self.keys = keys
        self.access_token_validity = access_token_validity  # seconds
        self.refresh_token_validity = refresh_token_validity  # seconds
        self.sessions: dict[str, Session] = {}
        # The real core encrypts this information into the token; a map keeps the token opaque.
        self.refresh_tokens: dict[str, RefreshTokenInfo] = {}

    # -- token minting -------------------------------------------------------------------------

    def _access_token(
        self,
        session: Session,
        refresh_hash1: str,
        parent_hash1: str | None,
        anti_csrf: str | None,
        *,
        dynamic: bool,
        expiry: int | None = None,
    ) -> Body:
        created = now_ms()
        if expiry is None:
            expiry = created + self.access_token_validity * 1000
        claims = {
            **_custom_payload(session.user_data_in_jwt),
            "sub": session.user_id,
            "rsub": session.recipe_user_id,
            "tId": session.tenant_id,
            "iat": created // 1000,
            "exp": expiry // 1000,
            "sessionHandle": session.handle,
            "refreshTokenHash1": refresh_hash1,
            "parentRefreshTokenHash1": parent_hash1,
            "antiCsrfToken": anti_csrf,
        }
        token = self.keys.sign(claims, dynamic=dynamic)
        return {"token": token, "expiry": expiry, "createdTime": created}

    def _refresh_token(
        self, session: Session, parent_hash1: str | None, anti_csrf: str | None
    ) -> Body:
        token = new_refresh_token()
        self.refresh_tokens[token] = RefreshTokenInfo(session.handle, parent_hash1, anti_csrf)
        session.refresh_tokens.append(token)
        return {"token": token, "expiry": session.expiry, "createdTime": now_ms()}

    def _issue(
        self, session: Session, parent_hash1: str | None, enable_anti_csrf: bool, dynamic: bool
    ) -> Body:
        """A new refresh token (child of ``parent_hash1``) with its access token."""
        anti_csrf = str(uuid.uuid4()) if enable_anti_csrf else None
        refresh = self._refresh_token(session, parent_hash1, anti_csrf)
        refresh_hash1 = sha256(refresh["token"])
        access = self._access_token(
            session, refresh_hash1, parent_hash1, anti_csrf, dynamic=dynamic
        )
        response: Body = {
            "status": "OK",
            "session": session.as_json(),
            "accessToken": access,
            "refreshToken": refresh,
        }
        if anti_csrf is not None:
            response["antiCsrfToken"] = anti_csrf
        return response

    def _live(self, handle: Any) -> Session | None:
        session = self.sessions.get(handle) if isinstance(handle, str) else None
        if session is not None and session.expiry < now_ms():
            self._drop(handle)
            return None
        return session

    # -- endpoints -----------------------------------------------------------------------------

    def create(self, tenant_id: str, body: Body, user_id: str) -> Body:
        recipe_user_id = body["userId"]
        session = Session(
            handle=str(uuid.uuid4()),
            user_id=user_id,
            recipe_user_id=recipe_user_id,
            tenant_id=tenant_id,
            user_data_in_jwt=user_payload(body["userDataInJWT"]),
            user_data_in_db=body["userDataInDatabase"],
            refresh_hash2="",
            expiry=now_ms() + self.refresh_token_validity * 1000,
        )
        dynamic = body.get("useDynamicSigningKey", True) is not False
        response = self._issue(session, None, body["enableAntiCsrf"], dynamic)
        session.refresh_hash2 = sha256(sha256(response["refreshToken"]["token"]))
        self.sessions[session.handle] = session
        return response

    def verify(self, body: Body) -> Body:
        token = body["accessToken"]
        try:
            claims = self.keys.decode(token)
        except InvalidToken as exc:
            return {"status": "TRY_REFRESH_TOKEN", "message": str(exc)}
        if not all(
            isinstance(claims.get(k), str) for k in ("sub", "sessionHandle", "refreshTokenHash1")
        ):
            return {
                "status": "TRY_REFRESH_TOKEN",
                "message": "Access token has an invalid structure",
            }
        if body["enableAntiCsrf"] and body["doAntiCsrfCheck"]:
            expected = claims.get("antiCsrfToken")
            if expected is None or body.get("antiCsrfToken") != expected:
                return {"status": "TRY_REFRESH_TOKEN", "message": "anti-csrf check failed"}

        handle = claims["sessionHandle"]
        parent = claims.get("parentRefreshTokenHash1")
        token_session = {
            "handle": handle,
            "userId": claims["sub"],
            "recipeUserId": claims.get("rsub", claims["sub"]),
            "userDataInJWT": _custom_payload(claims),
            "tenantId": claims.get("tId", "public"),
        }
        if parent is None and not body["checkDatabase"]:
            return {"status": "OK", "session": token_session}

        session = self._live(handle)
        if session is None:
            return _unauthorised("Either the session has ended or has been revoked")
        if parent is None:
            return {"status": "OK", "session": token_session}

        refresh_hash1 = claims["refreshTokenHash1"]
        promote = sha256(parent) == session.refresh_hash2
        if promote:
            session.refresh_hash2 = sha256(refresh_hash1)
            session.expiry = now_ms() + self.refresh_token_validity * 1000
        if promote or session.refresh_hash2 == sha256(refresh_hash1):
            access = self._access_token(
                session,
                refresh_hash1,
                None,
                claims.get("antiCsrfToken"),
                dynamic=self.keys.uses_dynamic_key(token),
            )
            return {"status": "OK", "session": session.as_json(), "accessToken": access}
        # The parent was promoted past already (another tab won the race): no new token.
        return {"status": "OK", "session": token_session}

    def refresh(self, body: Body) -> Body:
        token = body["refreshToken"]
        info = self.refresh_tokens.get(token)
        if info is None:
            return _unauthorised("Refresh token is invalid or has expired")
        enable_anti_csrf = body["enableAntiCsrf"]
        if (
            enable_anti_csrf
            and info.anti_csrf is not None
            and body.get("antiCsrfToken") != info.anti_csrf
        ):
            return _unauthorised("Anti CSRF token missing, or not matching")
        session = self._live(info.handle)
        if session is None:
            return _unauthorised("Session missing in db or has expired")
        hash1 = sha256(token)
        if session.refresh_hash2 != sha256(hash1):
            if info.parent_hash1 is not None and sha256(info.parent_hash1) == session.refresh_hash2:
                # First use of a not-yet-promoted child: promote it, then refresh as its parent.
                session.refresh_hash2 = sha256(hash1)
                session.expiry = now_ms() + self.refresh_token_validity * 1000
            else:
                # Like the real core: report theft and let the SDK revoke the session.
                return {
                    "status": "TOKEN_THEFT_DETECTED",
                    "session": {
                        "handle": session.handle,
                        "userId": session.user_id,
                        "recipeUserId": session.recipe_user_id,
                    },
                }
        return self._issue(session, hash1, enable_anti_csrf, body["useDynamicSigningKey"])

    def regenerate(self, body: Body) -> Body:
        token = body["accessToken"]
        try:
            # The SDK verified the token already; the real core accepts expired ones here too.
            claims = self.keys.decode(token, verify_exp=False)
        except InvalidToken as exc:
            # The real core does not catch this: a token that does not parse crashes the call.
            raise CoreError(500, "Internal Error") from exc
        session = self._live(claims.get("sessionHandle"))
        if session is None:
            return _unauthorised("Session does not exist.")
        new_payload = body.get("userDataInJWT")
        if new_payload is not None:
            session.user_data_in_jwt = user_payload(new_payload)
        response: Body = {"status": "OK", "session": session.as_json()}
        expiry = int(claims["exp"]) * 1000
        if expiry >= now_ms():
            response["accessToken"] = self._access_token(
                session,
                claims["refreshTokenHash1"],
                claims.get("parentRefreshTokenHash1"),
                claims.get("antiCsrfToken"),
                dynamic=self.keys.uses_dynamic_key(token),
                expiry=expiry,
            )
        return response

    def info(self, handle: Any) -> Body:
        session = self._live(handle)
        if session is None:
            return _unauthorised("Session does not exist.")
        return {
            "status": "OK",
            "sessionHandle": session.handle,
            "userId": session.user_id,
            "recipeUserId": session.recipe_user_id,
            "userDataInDatabase": session.user_data_in_db,
            "userDataInJWT": session.user_data_in_jwt,
            "expiry": session.expiry,
            "timeCreated": session.time_created,
            "tenantId": session.tenant_id,
        }

    def handles_for_user(self, user_id: str, tenant_id: str | None) -> list[str]:
        return [
            s.handle
            for s in list(self.sessions.values())
            if self._live(s.handle) is not None
            and user_id in (s.user_id, s.recipe_user_id)
            and (tenant_id is None or s.tenant_id == tenant_id)
        ]

    def remove(self, handles: list[str]) -> list[str]:
        return [h for h in handles if self._drop(h)]

    def _drop(self, handle: str) -> bool:
        session = self.sessions.pop(handle, None)
        if session is None:
            return False
        # Its refresh tokens now only answer UNAUTHORISED; forgetting them does the same.
        for token in session.refresh_tokens:
            self.refresh_tokens.pop(token, None)
        return True

    def update_data(self, body: Body) -> Body:
        session = self._live(body.get("sessionHandle"))
        if session is None:
            return _unauthorised("Session does not exist.")
        session.user_data_in_db = body["userDataInDatabase"]
        return {"status": "OK"}

    def update_jwt_data(self, body: Body) -> Body:
        session = self._live(body.get("sessionHandle"))
        if session is None:
            return _unauthorised("Session does not exist.")
        session.user_data_in_jwt = user_payload(body["userDataInJWT"])
        return {"status": "OK"}

    # -- controls ------------------------------------------------------------------------------

    def expired_copy(self, token: str) -> str:
        claims = self.keys.decode(token, verify_exp=False)
        now = int(time.time())
        claims["iat"], claims["exp"] = now - 120, now - 60
        return self.keys.sign(claims, dynamic=self.keys.uses_dynamic_key(token))
