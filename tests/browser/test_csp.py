"""The refresh flow under ``Content-Security-Policy: script-src 'self'`` (issue 7).

The example sends that policy on every page (example_project/csp.py), so an inline script on
the refresh page would be refused and the session never renewed.
"""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Browser
from .helpers import REFRESH_PATH, expire_access_token, go, sign_up, wait_for_page, wait_for_path

pytestmark = pytest.mark.browser


def test_refresh_page_renews_the_session_under_a_strict_csp(browser: Browser, st_core: Any) -> None:
    page = browser.page
    email = sign_up(browser)
    expire_access_token(browser, st_core)
    refresh_answers: list[Any] = []
    page.on(
        "response",
        lambda response: refresh_answers.append(response) if REFRESH_PATH in response.url else None,
    )

    go(page, "/dashboard/?tab=csp")
    wait_for_path(page, "/dashboard/?tab=csp")

    assert page.inner_text("#email") == email
    policy = refresh_answers[0].headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert browser.csp_violations == []


def test_an_inline_script_would_be_refused(browser: Browser) -> None:
    # Proves the policy is enforced in this browser, so the test above could fail.
    page = browser.page
    go(page, "/signin/")
    wait_for_page(page, "/signin/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.__inline") is None
    assert browser.csp_violations
