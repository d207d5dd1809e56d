"""What every API integration shares: verifying a call, its user, and its claims.

The answers themselves (status and JSON body per outcome) come from ``responses.api_answer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from ..auth import PERMISSION_CLAIM as PERMISSION_CLAIM
from ..auth import ROLE_CLAIM as ROLE_CLAIM
from ..decorators import SessionPolicy, unchecked_cross_site_write
from ..verify import ClaimValidators, Outcome, Verification

if TYPE_CHECKING:
    from supertokens_python.recipe.session.interfaces import SessionContainer

# The emailverification recipe's access-token claim (the userroles ones live in ``auth``).
EMAIL_VERIFIED_CLAIM = "st-ev"

# A requirement on a verified session: the SDK's claim validation error, or None when met.
Requirement = Callable[["SessionContainer"], "dict[str, Any] | None"]


def policy(check_database: bool, validators: ClaimValidators) -> SessionPolicy:
    # Optional: a call without any session is anonymous, and the framework's own permission
    # checks decide (a 401 the frontend SDK answers, or a public endpoint).
    return SessionPolicy(
        session_required=False,
        check_database=check_database,
        override_global_claim_validators=validators,
    )


def cross_site(request: HttpRequest, result: Verification) -> bool:
    return unchecked_cross_site_write(request, result)


def session_user(request: HttpRequest, session: SessionContainer) -> Any:
    """The Django user of a verified session: the auth bridge's, else a stateless one.

    With a SuperTokens backend in AUTHENTICATION_BACKENDS, that backend's user (for
    ``SuperTokensBackend`` a row); else a ``TokenUser`` made from the access token alone (no
    database, no core call).
    """
    from .. import auth

    if auth.has_session_backend():
        return auth.user_for_session(request, session)
    return auth.TokenUser(auth.TokenClaims.from_session(session))


def _claim_value(session: SessionContainer, key: str) -> Any:
    claim = session.get_access_token_payload().get(key)
    return claim.get("v") if isinstance(claim, Mapping) else None


def missing_in_claim(session: SessionContainer, key: str, wanted: str) -> dict[str, Any] | None:
    """The SDK's validation error when the list claim ``key`` lacks ``wanted``, else None.

    Read from the verified token alone (zero core calls): a role granted or taken away shows
    at the next refresh or sign-in, as with the SDK's own validators between fetches.
    """
    values = _claim_value(session, key)
    if isinstance(values, list) and wanted in values:
        return None
    message = "wrong value" if isinstance(values, list) else "value does not exist"
    return {
        "id": key,
        "reason": {"message": message, "expectedToInclude": wanted, "actualValue": values},
    }


def unverified_email(session: SessionContainer) -> dict[str, Any] | None:
    """The SDK's validation error when the token does not say the email is verified."""
    value = _claim_value(session, EMAIL_VERIFIED_CLAIM)
    if value is True:
        return None
    message = "wrong value" if isinstance(value, bool) else "value does not exist"
    return {
        "id": EMAIL_VERIFIED_CLAIM,
        "reason": {"message": message, "expectedValue": True, "actualValue": value},
    }


def requirements(
    *, email_verified: bool, roles: Iterable[str], permissions: Iterable[str]
) -> tuple[Requirement, ...]:
    """The checks for a verified email, each role and each permission (all are required)."""
    for name, values in (("roles", roles), ("permissions", permissions)):
        if isinstance(values, str):
            # A lone string would be read as one name per character.
            raise TypeError(f'{name} takes a list of names, e.g. {name}=["{values}"]')
    checks: list[Requirement] = [unverified_email] if email_verified else []
    checks += [partial(missing_in_claim, key=ROLE_CLAIM, wanted=role) for role in roles]
    checks += [
        partial(missing_in_claim, key=PERMISSION_CLAIM, wanted=permission)
        for permission in permissions
    ]
    return tuple(checks)


def unmet(session: SessionContainer, checks: Iterable[Requirement]) -> Verification | None:
    """INVALID_CLAIMS naming every failing check (as the SDK's claim validation), else None."""
    errors = tuple(error for check in checks if (error := check(session)) is not None)
    if not errors:
        return None
    ids = tuple(dict.fromkeys(error["id"] for error in errors))
    return Verification(Outcome.INVALID_CLAIMS, claim_ids=ids, claim_errors=errors)
