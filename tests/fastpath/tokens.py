"""Crafting access tokens: re-assembled, re-signed with a key no core knows, or fresh claims."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(header + "==")),
        json.loads(base64.urlsafe_b64decode(payload + "==")),
        signature,
    )


def assemble(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join(
        [
            b64(json.dumps(header, separators=(",", ":")).encode()),
            b64(json.dumps(payload, separators=(",", ":")).encode()),
            signature,
        ]
    )


_own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign_with_own_key(header: dict[str, Any], payload: dict[str, Any]) -> str:
    """A well-formed token signed by a key no core knows."""
    extra = {k: v for k, v in header.items() if k not in ("alg",)}
    return jwt.encode(payload, _own_key, algorithm="RS256", headers=extra)


def fresh_claims(user_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    user_id = user_id or f"forged-{uuid.uuid4()}"
    claims = {
        "sub": user_id,
        "rsub": user_id,
        "tId": "public",
        "iat": now,
        "exp": now + 3600,
        "sessionHandle": str(uuid.uuid4()),
        "refreshTokenHash1": uuid.uuid4().hex,
        "parentRefreshTokenHash1": None,
        "antiCsrfToken": None,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not ...}
