"""System check W008 with Django REST framework installed: SuperTokensAuthentication first."""

from __future__ import annotations

import pytest
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from django_st_ssr import checks
from django_st_ssr.contrib.drf import SuperTokensAuthentication

OURS = "django_st_ssr.contrib.drf.SuperTokensAuthentication"
SUBCLASS = "tests.contrib.test_drf_checks.DatabaseAuthentication"
SESSION = "rest_framework.authentication.SessionAuthentication"


class DatabaseAuthentication(SuperTokensAuthentication):
    # In a module without views: DRF imports these classes when its views are defined.
    check_database = True


def _warned() -> bool:
    messages = checks.check_drf_authentication()
    assert [message.id for message in messages] in ([], ["django_st_ssr.W008"])
    return bool(messages)


@pytest.mark.parametrize(
    "classes",
    [
        [OURS],
        [OURS, SESSION],
        [SUBCLASS, SESSION, OURS],  # a subclass (check_database) first
        [SuperTokensAuthentication, SessionAuthentication],  # classes rather than paths
        [SESSION, TokenAuthentication],  # not ours at all: none of this check's business
    ],
)
def test_quiet_when_ours_comes_first_or_not_at_all(settings, classes):
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": classes}
    assert not _warned()


@pytest.mark.parametrize(
    "classes",
    [
        [SESSION, OURS],
        [TokenAuthentication, SuperTokensAuthentication],
        [SESSION, SUBCLASS],
        ["rest_framework.authentication.BasicAuthentication", "no.such.Class", OURS],
    ],
)
def test_warns_when_another_class_comes_first(settings, classes):
    settings.REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": classes}
    assert _warned()
