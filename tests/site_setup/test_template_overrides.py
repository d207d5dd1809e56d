"""Where an override of the app's templates is found: README "Where overrides must live"."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from django_st_ssr import checks

OVERRIDE_APP = "tests.override_app"
OVERRIDE_DIR = Path(__file__).resolve().parents[1] / "override_app" / "templates"
MARKER = '<meta name="overridden-by" content="override_app">'


def installed_apps(settings, *, override_first: bool) -> list[str]:
    others = [app for app in settings.INSTALLED_APPS if app != "django_st_ssr"]
    ours = ["django_st_ssr"]
    return [*others, *([OVERRIDE_APP, *ours] if override_first else [*ours, OVERRIDE_APP])]


def refresh_page(client) -> str:
    response = client.get("/refresh-session/?redirectBack=/protected/")
    assert response.status_code == 200
    return response.content.decode()


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_app_after_django_st_ssr_is_ignored_and_the_check_says_so(client, settings):
    with override_settings(INSTALLED_APPS=installed_apps(settings, override_first=False)):
        assert MARKER not in refresh_page(client)
        messages = checks.check_template_overrides()
    assert ids(messages) == ["django_st_ssr.W006"]
    assert "'tests.override_app'" in messages[0].msg
    assert "django_st_ssr/base.html" in messages[0].msg


def test_app_before_django_st_ssr_overrides(client, settings):
    with override_settings(INSTALLED_APPS=installed_apps(settings, override_first=True)):
        page = refresh_page(client)
        assert checks.check_template_overrides() == []
    assert MARKER in page
    # It extends the original of the same name: the rest of the page is still there.
    assert 'data-st-state="refreshing"' in page


def test_a_templates_dirs_folder_overrides_whatever_the_app_order(client, settings):
    engine = {**settings.TEMPLATES[0], "DIRS": [OVERRIDE_DIR]}
    with override_settings(TEMPLATES=[engine]):
        page = refresh_page(client)
    assert MARKER in page
    assert 'data-st-state="refreshing"' in page


@pytest.mark.parametrize("app_dirs", [True, False])
def test_quiet_on_the_test_settings(settings, app_dirs):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "APP_DIRS": app_dirs}]
    assert checks.check_template_overrides() == []
