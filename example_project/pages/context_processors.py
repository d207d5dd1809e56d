from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def session(request: HttpRequest) -> dict[str, Any]:
    """``signed_in`` for the navigation bar; the session itself is checked lazily, once."""
    return {"signed_in": bool(getattr(request, "st_session", None))}
