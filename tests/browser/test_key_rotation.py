"""The core's signing keys rotate on their own timer while a real browser stays signed in."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from .harness import Browser
from .helpers import expire_access_token, go, sign_up, wait_for_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.emulator_only(reason="a real core rotates keys every 168 hours by default"),
]


def kid(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def test_visitor_stays_signed_in_while_keys_rotate(browser: Browser, st_core: Any) -> None:
    page = browser.page
    email = sign_up(browser)
    first = kid(browser.cookie("sAccessToken") or "")
    st_core.signing_key_rotation_interval = 1.0  # seconds; the real core counts in hours

    for round_ in range(2):
        time.sleep(1.1)
        # Still the same token: its key stays listed while tokens it signed may live.
        go(page, f"/dashboard/?round={round_}")
        wait_for_path(page, f"/dashboard/?round={round_}")
        assert page.inner_text("#email") == email

        # The next refresh gets a token signed with the newest key; the app fetches that key.
        expire_access_token(browser, st_core)
        expired = browser.cookie("sAccessToken")
        go(page, f"/dashboard/?refreshed={round_}")
        wait_for_path(page, f"/dashboard/?refreshed={round_}")
        assert page.inner_text("#email") == email
        assert browser.cookie("sAccessToken") not in (None, "", expired)
    assert kid(browser.cookie("sAccessToken") or "") != first
