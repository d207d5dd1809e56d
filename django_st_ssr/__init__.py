"""SuperTokens session verification for server-side rendered Django pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["SSRSessionRequiredMixin", "ssr_session_required"]

if TYPE_CHECKING:
    from .decorators import ssr_session_required
    from .mixins import SSRSessionRequiredMixin


def __getattr__(name: str) -> Any:
    # Imported lazily so that "django_st_ssr" can sit in INSTALLED_APPS before apps are ready.
    if name == "ssr_session_required":
        from .decorators import ssr_session_required

        return ssr_session_required
    if name == "SSRSessionRequiredMixin":
        from .mixins import SSRSessionRequiredMixin

        return SSRSessionRequiredMixin
    raise AttributeError(name)
