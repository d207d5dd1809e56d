"""Hostile values for cookies, redirect targets and headers, as hypothesis strategies.

Forged tokens are built here with PyJWT and a throw-away RSA key, so they work against the emulated
core and a real one alike. Tokens that need the core's own signing key (expired, future ``iat``,
missing claims, all validly signed) come from the emulator's controls in the tests themselves.
"""

from __future__ import annotations

import base64
import json
import string
import time
import uuid
from functools import lru_cache
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import strategies as st
from jwt.algorithms import RSAAlgorithm

ACCESS = "sAccessToken"
REFRESH = "sRefreshToken"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


@lru_cache(maxsize=1)
def attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@lru_cache(maxsize=4)
def core_public_pems(core_url: str) -> tuple[bytes, ...]:
    """The core's published keys as PEM: the bytes an alg-confusion attacker HMACs with."""
    keys = requests.get(core_url.split(";")[0].rstrip("/") + "/.well-known/jwks.json", timeout=10)
    pems = []
    for jwk in keys.json()["keys"]:
        public = RSAAlgorithm.from_jwk(json.dumps(jwk))
        pems.append(
            public.public_bytes(  # type: ignore[union-attr]
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return tuple(pems)


@lru_cache(maxsize=4)
def core_kids(core_url: str) -> tuple[str, ...]:
    keys = requests.get(core_url.split(";")[0].rstrip("/") + "/.well-known/jwks.json", timeout=10)
    return tuple(k["kid"] for k in keys.json()["keys"])


def claims(user_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete v5 access-token payload, as the core would sign it."""
    now = int(time.time())
    user_id = user_id or f"forged-{uuid.uuid4()}"
    payload: dict[str, Any] = {
        "sub": user_id,
        "rsub": user_id,
        "tId": "public",
        "iat": now - 5,
        "exp": now + 3600,
        "sessionHandle": str(uuid.uuid4()),
        "refreshTokenHash1": "0" * 64,
        "parentRefreshTokenHash1": None,
        "antiCsrfToken": None,
        "iss": "http://localhost:8000/auth",
    }
    payload.update(overrides)
    return payload


def header(kid: str = "d-forged", **overrides: Any) -> dict[str, Any]:
    return {"alg": "RS256", "typ": "JWT", "version": "5", "kid": kid, **overrides}


def alg_none(kid: str, payload: dict[str, Any], alg: str = "none") -> str:
    return f"{b64json(header(kid, alg=alg))}.{b64json(payload)}."


def signed_with_attacker_key(kid: str, payload: dict[str, Any]) -> str:
    return jwt.encode(payload, attacker_key(), algorithm="RS256", headers=header(kid))


def hs256_with_public_key(pem: bytes, kid: str, payload: dict[str, Any]) -> str:
    # PyJWT refuses to HMAC with a PEM public key (the very attack): build the token by hand.
    import hashlib
    import hmac

    signing_input = f"{b64json(header(kid, alg='HS256'))}.{b64json(payload)}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


# --- strategies ---------------------------------------------------------------------------

# Characters a browser could never send in a cookie (";", ",", controls) are left out of raw cookie
# text: a header carrying them would be split by any HTTP server before Django sees it. What Django
# then sees is still arbitrary, and that is what these strategies produce.
cookie_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters=";\r\n\x00", min_codepoint=0x20
    ),
    max_size=300,
)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)

jwt_like = st.builds(
    lambda h, p, s: f"{b64json(h)}.{b64json(p)}.{s}",
    st.one_of(
        st.builds(header, kid=st.text(max_size=30)),
        st.dictionaries(st.sampled_from(["alg", "typ", "version", "kid"]), json_values),
        json_values,
    ),
    st.one_of(
        st.builds(claims),
        st.dictionaries(st.sampled_from(list(claims())), json_values),
        json_values,
    ),
    st.text(alphabet=string.ascii_letters + string.digits + "-_", max_size=400),
)

# A claim set the structure check accepts but that a page must still not trust.
missing_claim_payloads = st.sampled_from(list(claims())).map(
    lambda drop: {k: v for k, v in claims().items() if k != drop}
)

redirect_targets = st.one_of(
    st.sampled_from(
        [
            "//evil.example",
            "///evil.example",
            "////evil.example/path",
            "https://evil.example/",
            "http://evil.example",
            "https:evil.example",
            "http:/evil.example",
            "https://testserver@evil.example/",
            "https://evil.example\\@testserver/",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "/%2F%2Fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "%2f%2fevil.example",
            "https%3A%2F%2Fevil.example",
            "/\x00//evil.example",
            "/\x01evil",
            "\x0a//evil.example",
            "\x0d\x0a//evil.example",
            "\x7f//evil.example",
            " //evil.example",
            "\t//evil.example",
            "//evil.example%00.testserver",
            "//testserver.evil.example",
            "//evil.example/testserver",
            "https://ex\u0430mple.com/",
            "//\u3002evil.example",
            "//evil\uff0eexample",
            "/" + "a" * 8000,
            "//" + "a" * 8000,
            "",
            "?",
            "#",
            "/dashboard/?next=//evil.example",
        ]
    ),
    st.builds(
        lambda pre, host, post: f"{pre}{host}{post}",
        st.sampled_from(
            ["//", "/\\", "\\\\", "https://", "http:\\\\", "///", "/ /", "%2F%2F", "https:/\\", ""]
        ),
        st.sampled_from(
            ["evil.example", "evil.example:443", "127.0.0.2", "[::1]", "xn--e1a.example"]
        ),
        st.sampled_from(["", "/", "/path?q=1", "#frag", "\\", "%00", "@testserver"]),
    ),
    st.text(max_size=200),
)

header_names = st.sampled_from(
    [
        "HTTP_AUTHORIZATION",
        "HTTP_RID",
        "HTTP_ANTI_CSRF",
        "HTTP_ST_AUTH_MODE",
        "HTTP_FDI_VERSION",
        "HTTP_SEC_FETCH_MODE",
        "HTTP_SEC_FETCH_DEST",
        "HTTP_ACCEPT",
        "HTTP_X_REQUESTED_WITH",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_REFERER",
        "HTTP_ORIGIN",
        "HTTP_FRONT_TOKEN",
    ]
)

header_values = st.one_of(
    cookie_text,
    st.sampled_from(
        [
            "Bearer ",
            "Bearer x.y.z",
            "Bearer " + "A" * 16000,
            "session",
            "anti-csrf",
            "header",
            "cookie",
            "navigate",
            "cors",
            "application/json",
            "text/html;q=0.1, application/json",
            "*/*",
            "XMLHttpRequest",
            "evil.example",
            "https",
        ]
    ),
)
