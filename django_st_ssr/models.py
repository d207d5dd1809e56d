"""The link between a SuperTokens user and a row of ``AUTH_USER_MODEL``.

Only defined when ``django.contrib.auth`` is installed: sites that use nothing but
``request.st_session`` keep needing no user table (migration 0001 is then empty too).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models

if apps.is_installed("django.contrib.auth"):

    class SuperTokensUserLink(models.Model):
        """One SuperTokens (primary) user id <-> one Django user.

        A table of its own rather than a field on the user model, so any custom user model
        works and nothing of the user model changes.
        """

        supertokens_id = models.CharField(max_length=128, unique=True)
        user = models.OneToOneField(
            settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supertokens_link"
        )

        class Meta:
            verbose_name = "SuperTokens user link"

        def __str__(self) -> str:
            return self.supertokens_id
