"""``app_settings`` follows every change of ``settings.SUPERTOKENS``, though it validates once."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.test import override_settings

from django_st_ssr.conf import app_settings


def read(name: str) -> Any:
    return getattr(app_settings, name)


def test_override_settings_is_followed_in_both_directions() -> None:
    original = read("MAX_REFRESH_ATTEMPTS")
    changed = {**settings.SUPERTOKENS, "MAX_REFRESH_ATTEMPTS": original + 5}
    with override_settings(SUPERTOKENS=changed):
        assert read("MAX_REFRESH_ATTEMPTS") == original + 5
        with (
            override_settings(SUPERTOKENS={**changed, "NO_SUCH_KEY": 1}),
            pytest.raises(ImproperlyConfigured, match="NO_SUCH_KEY"),
        ):
            read("MAX_REFRESH_ATTEMPTS")
        # The dict validated before is in force again, and still answers.
        assert read("MAX_REFRESH_ATTEMPTS") == original + 5
    assert read("MAX_REFRESH_ATTEMPTS") == original


def test_a_bad_dict_keeps_failing_until_replaced() -> None:
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "NO_SUCH_KEY": 1}):
        for _ in range(2):
            with pytest.raises(ImproperlyConfigured):
                read("REFRESH_WINDOW")
    assert read("REFRESH_WINDOW") == settings.SUPERTOKENS.get("REFRESH_WINDOW", 30)


def test_the_settings_fixture_is_followed(settings: Any) -> None:
    read("CORE_TIMEOUT")  # now kept
    settings.SUPERTOKENS = {**settings.SUPERTOKENS, "CORE_TIMEOUT": 1.5}
    assert read("CORE_TIMEOUT") == 1.5
    settings.SUPERTOKENS = None
    with pytest.raises(ImproperlyConfigured, match="missing"):
        read("CORE_TIMEOUT")


def test_values_are_kept_until_a_setting_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from django_st_ssr import conf

    read("REFRESH_WINDOW")
    calls: list[str] = []
    real = conf._setting
    monkeypatch.setattr(conf, "_setting", lambda: calls.append("read") or real())
    for _ in range(3):
        read("REFRESH_WINDOW")
    assert calls == []
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, "REFRESH_WINDOW": 7}):
        assert read("REFRESH_WINDOW") == 7
        # Read again once after the change (other setting_changed receivers may read too) ...
        assert calls
        calls.clear()
        for _ in range(3):
            assert read("REFRESH_WINDOW") == 7
        # ... and kept from then on.
        assert calls == []
    assert read("REFRESH_WINDOW") == settings.SUPERTOKENS.get("REFRESH_WINDOW", 30)


def test_setting_changed_revalidates_a_dict_changed_in_place() -> None:
    mutable = dict(settings.SUPERTOKENS)
    with override_settings(SUPERTOKENS=mutable):
        before = read("REFRESH_WINDOW")
        mutable["NO_SUCH_KEY"] = 1
        mutable["REFRESH_WINDOW"] = before + 9
        assert read("REFRESH_WINDOW") == before  # kept: nothing announced the change yet
        setting_changed.send(sender=None, setting="SUPERTOKENS", value=mutable, enter=True)
        with pytest.raises(ImproperlyConfigured, match="NO_SUCH_KEY"):
            read("REFRESH_WINDOW")
