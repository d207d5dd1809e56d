"""Test settings with public (non-local) domains, for starting Django without network access."""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import SUPERTOKENS

ALLOWED_HOSTS = ["www.example.com"]
SUPERTOKENS = {
    **SUPERTOKENS,
    "APP_INFO": {
        **SUPERTOKENS["APP_INFO"],
        "api_domain": "https://www.example.com",
        "website_domain": "https://www.example.com",
    },
}
