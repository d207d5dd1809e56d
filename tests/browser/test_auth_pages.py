"""The auth views' journeys in a real Chromium, under runserver (WSGI) and uvicorn (ASGI).

Emails are read where a developer running the demo reads them: the console email backend
prints them into the server's output, here its log file.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from .harness import HOST, Browser, ExampleServer
from .helpers import PASSWORD, sign_up, submit_credentials, wait_for_path

pytestmark = pytest.mark.browser

NEW_PASSWORD = "new-horse-43"


def emailed_link(server: ExampleServer, email: str, path: str, after: int = 0) -> str:
    """The link to ``path`` in the last email the server printed for ``email``."""
    pattern = re.compile(
        rf"^To: {re.escape(email)}$.*?^(http://\S+{re.escape(path)}\S*)$", re.M | re.S
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = server.log_path.read_text(errors="replace")[after:]
        links = pattern.findall(text)
        if links:
            return str(links[-1])
        time.sleep(0.1)
    raise AssertionError(f"no email to {email} with a link to {path}:\n{server.log_tail()}")


def log_size(server: ExampleServer) -> int:
    return len(server.log_path.read_text(errors="replace"))


def test_forgot_password_email_link_new_password_sign_in(browser: Browser) -> None:
    page = browser.page
    email = sign_up(browser)
    page.click("header button:has-text('Sign out')")
    wait_for_path(page, "/")
    assert browser.cookie("sRefreshToken") is None

    page.goto("/dashboard/", wait_until="commit")
    page.wait_for_url(lambda url: urlsplit(url).path == "/signin/", wait_until="load")
    page.click("text=Forgot your password?")
    wait_for_path(page, "/password-reset/")
    before = log_size(browser.server)
    page.fill("#id_email", email)
    page.click("main button[type=submit]")
    wait_for_path(page, "/password-reset/sent/")
    assert "we have emailed it a link" in page.inner_text("main")

    link = emailed_link(browser.server, email, "/password-reset/confirm/", before)
    assert urlsplit(link).netloc == urlsplit(browser.server.url).netloc
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("main button[type=submit]")
    wait_for_path(page, "/password-reset/complete/")
    assert "Your new password is set." in page.inner_text("main")

    # The link is spent.
    page.goto(link)
    page.fill("#id_new_password1", "third-horse-44")
    page.fill("#id_new_password2", "third-horse-44")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "invalid or has expired" in page.inner_text("main")

    page.goto("/signin/")
    submit_credentials(page, email, PASSWORD)
    page.wait_for_load_state()
    assert "Wrong email or password." in page.inner_text("main")
    submit_credentials(page, email, NEW_PASSWORD)
    wait_for_path(page, "/dashboard/")
    assert page.inner_text("#email") == email
    assert not browser.escapes
    assert all(urlsplit(url).hostname == HOST for url in browser.navigations)


def test_sign_in_returns_to_next_and_sign_up_link_keeps_it(browser: Browser) -> Any:
    page = browser.page
    email = sign_up(browser)
    browser.context.clear_cookies()
    page.goto("/reports/?year=2026", wait_until="commit")
    page.wait_for_url(lambda url: urlsplit(url).path == "/signin/", wait_until="load")
    href = page.get_attribute("text=Create an account", "href") or ""
    assert href == "/signup/?next=/reports/%3Fyear%3D2026"
    submit_credentials(page, email)
    wait_for_path(page, "/reports/?year=2026")


def test_sign_up_verify_email_dashboard(browser: Browser) -> None:
    page = browser.page
    before = log_size(browser.server)
    email = sign_up(browser)
    assert page.inner_text("#email-verified").startswith("no")

    # The email sent at sign-up leads back to the dashboard, verified.
    link = emailed_link(browser.server, email, "/verify-email/confirm/", before)
    page.goto(link)
    assert page.get_attribute("main form button", "type") == "submit"
    page.click("main button[type=submit]")
    wait_for_path(page, "/dashboard/")
    assert page.inner_text("#email") == email
    assert page.inner_text("#email-verified") == "yes"
    # The page that needs a verified email opens.
    page.goto("/members/")
    wait_for_path(page, "/members/")
    assert "Only visitors with a verified email" in page.inner_text("#members")


def test_a_page_needing_a_verified_email_sends_to_verification_and_back(
    browser: Browser,
) -> None:
    page = browser.page
    email = sign_up(browser)
    page.goto("/members/", wait_until="commit")
    wait_for_path(page, "/verify-email/?redirectBack=/members/")
    before = log_size(browser.server)
    page.click("text=Send the link again")
    page.wait_for_selector("#verification-sent")

    link = emailed_link(browser.server, email, "/verify-email/confirm/", before)
    assert "next=/members/" in link
    page.goto(link)
    page.click("main button[type=submit]")
    wait_for_path(page, "/members/")
    assert page.inner_text("#email-verified") == "yes"
