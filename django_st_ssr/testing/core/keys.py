"""Signing keys, the JWKS document and access-token (JWT) signing and checking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.pop("key_ops", None)  # the real core's JWKS has none
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk


def new_key(prefix: str) -> SigningKey:
    # 2048 bits like the real core; generating one takes ~50 ms: only at start and rotation.
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(f"{prefix}-{uuid.uuid4()}", private_key)


class InvalidToken(Exception):
    """The token cannot be trusted: malformed, unknown key, bad signature or expired."""


class KeyRing:
    """Dynamic keys (``d-``, rotated on demand) plus one static key (``s-``).

    The JWKS lists every key that has not been dropped, so tokens signed before a rotation keep
    verifying until ``drop_old_keys()``, as with the real core's key overlap.
    """

    def __init__(self) -> None:
        self.static = new_key("s")
        self.dynamic = [new_key("d")]

    @property
    def current(self) -> SigningKey:
        return self.dynamic[-1]

    def rotate(self) -> None:
        self.dynamic.append(new_key("d"))

    def drop_old(self) -> None:
        self.dynamic = [self.current]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in (*reversed(self.dynamic), self.static)]}

    def sign(self, claims: dict[str, Any], *, dynamic: bool = True) -> str:
        key = self.current if dynamic else self.static
        headers = {"typ": "JWT", "version": "5", "kid": key.kid}
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers=headers)

    def uses_dynamic_key(self, token: str) -> bool:
        return str(jwt.get_unverified_header(token).get("kid", "")).startswith("d-")

    def decode(self, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"Invalid access token: {exc}") from exc
        key = next((k for k in (*self.dynamic, self.static) if k.kid == kid), None)
        if key is None:
            raise InvalidToken("Access token signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.private_key.public_key(),
                algorithms=["RS256"],
                options={"verify_exp": verify_exp, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("Access token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"Invalid access token: {exc}") from exc
        return claims
