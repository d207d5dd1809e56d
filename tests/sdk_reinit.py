"""Re-initialise supertokens-python with other recipes for one test module, then restore.

``init_supertokens()`` runs once per process, so a module that needs other recipes (email
verification in REQUIRED mode, user roles) resets the SDK's singletons, initialises again from
settings with its overrides, and puts the suite's own configuration back afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.test import override_settings

from django_st_ssr import init as st_init


def _reset_sdk() -> None:
    from supertokens_python.post_init_callbacks import PostSTInitCallbacks
    from supertokens_python.recipe.accountlinking.recipe import AccountLinkingRecipe
    from supertokens_python.recipe.emailpassword.recipe import EmailPasswordRecipe
    from supertokens_python.recipe.emailverification.recipe import EmailVerificationRecipe
    from supertokens_python.recipe.jwt.recipe import JWTRecipe
    from supertokens_python.recipe.multitenancy.recipe import MultitenancyRecipe
    from supertokens_python.recipe.oauth2provider.recipe import OAuth2ProviderRecipe
    from supertokens_python.recipe.openid.recipe import OpenIdRecipe
    from supertokens_python.recipe.session.jwks import reset_jwks_cache
    from supertokens_python.recipe.session.recipe import SessionRecipe
    from supertokens_python.recipe.usermetadata.recipe import UserMetadataRecipe
    from supertokens_python.recipe.userroles.recipe import UserRolesRecipe
    from supertokens_python.supertokens import Supertokens

    for recipe in (
        SessionRecipe,
        EmailPasswordRecipe,
        EmailVerificationRecipe,
        UserRolesRecipe,
        UserMetadataRecipe,
        AccountLinkingRecipe,
        MultitenancyRecipe,
        JWTRecipe,
        OpenIdRecipe,
        OAuth2ProviderRecipe,
    ):
        recipe.reset()
    PostSTInitCallbacks.reset()
    Supertokens.reset()
    reset_jwks_cache()  # the next configuration may name another core
    st_init._initialised = False


def _init_with(**overrides: Any) -> None:
    with override_settings(SUPERTOKENS={**settings.SUPERTOKENS, **overrides}):
        st_init.init_supertokens()


@contextmanager
def sdk_initialised_with(**overrides: Any) -> Iterator[None]:
    """The SDK initialised from ``settings.SUPERTOKENS`` updated with ``overrides``."""
    previous = os.environ.get("SUPERTOKENS_ENV")
    os.environ["SUPERTOKENS_ENV"] = "testing"  # the SDK's reset() refuses to run otherwise
    try:
        st_init.init_supertokens()  # the suite's configuration exists before it is replaced
        _reset_sdk()
        _init_with(**overrides)
        try:
            yield
        finally:
            _reset_sdk()
            st_init.init_supertokens()
    finally:
        if previous is None:
            del os.environ["SUPERTOKENS_ENV"]
        else:
            os.environ["SUPERTOKENS_ENV"] = previous
