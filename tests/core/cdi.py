"""Raw CDI calls, for contract points the configured SDK cannot reach (e.g. anti-CSRF tokens)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx


def headers(core: Any, *, api_key: Any = "default") -> dict[str, str]:
    result = {"cdi-version": "5.4", "rid": "session"}
    key = core.api_key if api_key == "default" else api_key
    if key:
        result["api-key"] = key
    return result


def post(core: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(core.url + path, json=body, headers=headers(core))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def new_session(core: Any, **changes: Any) -> dict[str, Any]:
    """A session created by a raw call (no anti-CSRF, dynamic key unless ``changes`` say so)."""
    body = {
        "userId": f"contract-{uuid.uuid4()}",
        "userDataInJWT": {},
        "userDataInDatabase": {},
        "useDynamicSigningKey": True,
        "enableAntiCsrf": False,
        **changes,
    }
    return post(core, "/public/recipe/session", body)


def refresh(
    core: Any, refresh_token: str, *, anti_csrf: bool = False, anti_csrf_token: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "refreshToken": refresh_token,
        "enableAntiCsrf": anti_csrf,
        "useDynamicSigningKey": True,
    }
    if anti_csrf_token is not None:
        body["antiCsrfToken"] = anti_csrf_token
    return post(core, "/recipe/session/refresh", body)


def jwt_part(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def call(core: Any, method: str, path: str, body: Any = None) -> httpx.Response:
    """One raw request with the core's headers, whatever it answers."""
    return httpx.request(method, core.url + path, json=body, headers=headers(core))


def text(response: httpx.Response) -> str:
    """A plain-text answer without the newline the real core's println adds."""
    return response.text.removesuffix("\n")
