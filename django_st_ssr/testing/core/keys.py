"""Signing keys, the JWKS document and access-token (JWT) signing and checking."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    created: int = field(default_factory=_now_ms)  # epoch ms

    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.pop("key_ops", None)  # the real core's JWKS has none
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk


def _rsa_key() -> rsa.RSAPrivateKey:
    # 2048 bits like the real core; generating one takes ~50 ms: only at start and rotation.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# The real core's default access_token_dynamic_signing_key_update_interval: 168 hours.
DEFAULT_ROTATION_INTERVAL = 168 * 3600.0


class InvalidToken(Exception):
    """The token cannot be trusted: malformed, unknown key, bad signature or expired."""


class KeyRing:
    """Dynamic keys (``d-<epoch ms>``, rotated on a timer) plus one static key (``s-<uuid>``).

    Like the real core, a new dynamic key signs new tokens every ``rotation_interval`` seconds,
    and an old key stays in the JWKS while tokens it signed may still live (``rotation_interval``
    plus the access-token validity after its creation). ``rotate()`` and ``drop_old()`` do the same
    on demand.
    """

    def __init__(
        self,
        rotation_interval: float = DEFAULT_ROTATION_INTERVAL,
        access_token_validity: Callable[[], float] = lambda: 3600.0,
    ) -> None:
        self.rotation_interval = rotation_interval  # seconds
        self.access_token_validity = access_token_validity  # seconds, read at use
        # Bumped on every change of the key set, so the SDK's JWKS cache can be reset.
        self.generation = 0
        self.static = SigningKey(f"s-{uuid.uuid4()}", _rsa_key())
        self.dynamic: list[SigningKey] = []
        self.rotate()

    def _tick(self) -> None:
        """Rotate when the current key is due, then forget keys no live token can carry."""
        now = _now_ms()
        if now - self.dynamic[-1].created >= self.rotation_interval * 1000:
            self.rotate()
        # Key i signed tokens until key i+1 was created; those live one validity longer.
        validity_ms = self.access_token_validity() * 1000
        kept = [
            key
            for key, successor in pairwise(self.dynamic)
            if now - successor.created < validity_ms
        ]
        kept.append(self.dynamic[-1])
        if len(kept) != len(self.dynamic):
            self.dynamic = kept
            self.generation += 1

    @property
    def current(self) -> SigningKey:
        self._tick()
        return self.dynamic[-1]

    def rotate(self) -> None:
        created = _now_ms()
        if self.dynamic and created <= self.dynamic[-1].created:
            created = self.dynamic[-1].created + 1  # ids stay unique within one millisecond
        self.dynamic.append(SigningKey(f"d-{created}", _rsa_key(), created))
        self.generation += 1

    def drop_old(self) -> None:
        self.dynamic = [self.dynamic[-1]]
        self.generation += 1

    def jwks(self) -> dict[str, Any]:
        self._tick()
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
        self._tick()
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
