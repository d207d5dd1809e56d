"""Django's auth on the SuperTokens session, in a real Chromium (WSGI and ASGI): the admin for
staff, login_required with an expired token, the admin refusing a non-staff user."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest

from .harness import EXAMPLE_DIR, REPO, Browser, ExampleServer
from .helpers import (
    PASSWORD,
    expire_access_token,
    go,
    new_email,
    sign_up,
    submit_credentials,
    wait_for_path,
)

pytestmark = pytest.mark.browser


def add_user(server: ExampleServer, core: Any, email: str, *roles: str) -> None:
    """The example's `manage.py add_user` (SuperTokens account + roles) against the test core."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "EXAMPLE_SITE_URL": server.url,
        "SUPERTOKENS_CONNECTION_URI": core.url,
        "SUPERTOKENS_API_KEY": core.api_key or "",
        "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP": "1",
    }
    command = [sys.executable, "manage.py", "add_user", email, PASSWORD]
    command += [arg for role in roles for arg in ("--role", role)]
    subprocess.run(command, cwd=EXAMPLE_DIR, env=env, check=True, timeout=60, capture_output=True)


def paths(browser: Browser) -> list[str]:
    return [urlsplit(url).path for url in browser.navigations]


def test_staff_signs_in_through_the_site_and_reaches_the_admin(
    browser: Browser, st_core: Any
) -> None:
    email = new_email()
    add_user(browser.server, st_core, email, "staff")
    page = browser.page
    page.goto("/admin/")
    # The admin's login page sent us to the site's own sign-in, remembering the admin.
    page.wait_for_url(lambda url: urlsplit(url).path == "/signin/")
    assert urlsplit(page.url).query == "next=/admin/"
    submit_credentials(page, email)
    wait_for_path(page, "/admin/")
    assert "Site administration" in page.content()
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    # The staff-only page of the example (permission_required) opens too.
    page.goto("/orders/all/")
    assert page.locator("h1").inner_text() == "All orders"

    # The admin's "Log out" ends the SuperTokens session: the dashboard wants a sign-in again.
    page.goto("/admin/")
    page.click("#logout-form button")
    page.wait_for_load_state("load")
    page.goto("/dashboard/")
    page.wait_for_url(lambda url: urlsplit(url).path == "/signin/")


def test_non_staff_user_is_refused_by_the_admin(browser: Browser) -> None:
    sign_up(browser)
    response = browser.page.goto("/admin/")
    assert response is not None
    assert response.status == 403
    assert urlsplit(browser.page.url).path == "/admin/login/"
    assert "/signin/" not in paths(browser)[-3:]
    response = browser.page.goto("/orders/all/")
    assert response is not None
    assert response.status == 403


# A truly expired token (a missing one is simply anonymous, hence the sign-in page): emulator only.
@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token_on_a_login_required_page_comes_back_to_it(
    browser: Browser, st_core: Any
) -> None:
    email = sign_up(browser)
    page = browser.page
    page.goto("/orders/")
    page.fill("input[name=item]", "Blue teapot")
    page.click("main button[type=submit]")
    wait_for_path(page, "/orders/")
    assert "Blue teapot" in page.locator("#orders").inner_text()

    expire_access_token(browser, st_core)
    seen = len(browser.navigations)
    go(page, "/orders/?sort=new")
    wait_for_path(page, "/orders/?sort=new")
    assert email in page.locator("#owner").inner_text()
    assert "Blue teapot" in page.locator("#orders").inner_text()
    assert "/signin/" not in paths(browser)[seen:]
