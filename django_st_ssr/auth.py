"""Django's auth on top of SuperTokens sessions: ``request.user``, permissions from roles.

``SuperTokensBackend`` (a row of ``AUTH_USER_MODEL`` per SuperTokens user) or
``SuperTokensStatelessBackend`` (no database: a ``TokenUser`` built from the access token) in
``AUTHENTICATION_BACKENDS`` make ``SuperTokensMiddleware`` give every request a lazy
``request.user`` / ``await request.auser()`` for its SuperTokens session. There is no Django
session of their own: SuperTokens stays the one session, so revoking it signs the user out here
too. Roles and permissions come from the userroles recipe's claims in the access token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import (
    REDIRECT_FIELD_NAME,
    get_user_model,
    load_backend,
    user_logged_in,
    user_logged_out,
)
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.manager import EmptyManager
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .conf import app_settings

if TYPE_CHECKING:
    from supertokens_python.recipe.session.interfaces import SessionContainer

# The userroles recipe's access-token claims (supertokens_python.recipe.userroles).
ROLE_CLAIM = "st-role"
PERMISSION_CLAIM = "st-perm"


def _claim_values(payload: Mapping[str, Any], key: str) -> frozenset[str]:
    claim = payload.get(key)
    values = claim.get("v") if isinstance(claim, Mapping) else None
    if not isinstance(values, list):
        return frozenset()
    return frozenset(value for value in values if isinstance(value, str))


def _role_names(key: str) -> frozenset[str] | None:
    names = getattr(app_settings, key)
    return None if names is None else frozenset(names)


@dataclass(frozen=True)
class TokenClaims:
    """What one access token says about its user. As fresh as the token (see README)."""

    user_id: str
    session_handle: str
    roles: frozenset[str]
    permissions: frozenset[str]

    @classmethod
    def from_session(cls, session: SessionContainer) -> TokenClaims:
        payload = session.get_access_token_payload()
        return cls(
            user_id=session.get_user_id(),
            session_handle=session.get_handle(),
            roles=_claim_values(payload, ROLE_CLAIM),
            permissions=_claim_values(payload, PERMISSION_CLAIM),
        )

    @property
    def is_superuser(self) -> bool | None:
        """None when SUPERUSER_ROLES is unset: the database flag stays in charge."""
        names = _role_names("SUPERUSER_ROLES")
        return None if names is None else bool(self.roles & names)

    @property
    def is_staff(self) -> bool | None:
        """None when STAFF_ROLES is unset. A superuser role also makes staff (the admin's gate)."""
        names = _role_names("STAFF_ROLES")
        if names is None:
            return None
        return bool(self.roles & (names | (_role_names("SUPERUSER_ROLES") or frozenset())))


class TokenUser:
    """A signed-in user built from the access token alone, for sites without a user table.

    Like ``AnonymousUser`` it has no row: ``pk``/``id``/``username`` are the SuperTokens user id,
    ``is_staff``/``is_superuser`` follow the configured role names and ``has_perm`` the permission
    claim. It cannot be saved, and no model can point a ForeignKey at it.
    """

    is_active = True
    is_anonymous = False
    is_authenticated = True
    _groups: EmptyManager[Group] = EmptyManager(Group)
    _user_permissions: EmptyManager[Permission] = EmptyManager(Permission)

    def __init__(self, claims: TokenClaims) -> None:
        self.claims = claims
        self.id = self.pk = self.username = claims.user_id
        self.is_staff = bool(claims.is_staff)
        self.is_superuser = bool(claims.is_superuser)

    def __str__(self) -> str:
        return self.username

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def get_username(self) -> str:
        return self.username

    @property
    def groups(self) -> EmptyManager[Group]:
        return self._groups

    @property
    def user_permissions(self) -> EmptyManager[Permission]:
        return self._user_permissions

    def get_all_permissions(self, obj: object = None) -> set[str]:
        return set() if obj is not None else set(self.claims.permissions)

    def get_user_permissions(self, obj: object = None) -> set[str]:
        return set()

    def get_group_permissions(self, obj: object = None) -> set[str]:
        return self.get_all_permissions(obj)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_superuser or perm in self.get_all_permissions(obj)

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        prefix = f"{app_label}."
        return self.is_superuser or any(p.startswith(prefix) for p in self.claims.permissions)

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("A TokenUser has no database row.")

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("A TokenUser has no database row.")


class _SessionBackend:
    """What the middleware asks of either backend: the user of a verified session."""

    def user_for_session(self, request: HttpRequest | None, session: SessionContainer) -> Any:
        raise NotImplementedError

    async def auser_for_session(
        self, request: HttpRequest | None, session: SessionContainer
    ) -> Any:
        return await sync_to_async(self.user_for_session)(request, session)

    def _authenticate(self, request: HttpRequest | None, kwargs: dict[str, Any]) -> Any:
        # Only for django.contrib.auth.authenticate(request, st_session=session).
        session = kwargs.get("st_session")
        return None if session is None else self.user_for_session(request, session)


class SuperTokensStatelessBackend(_SessionBackend, BaseBackend):
    """``request.user`` is a :class:`TokenUser`: no database, no core call."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        return self._authenticate(request, kwargs)

    def user_for_session(self, request: HttpRequest | None, session: SessionContainer) -> Any:
        return TokenUser(TokenClaims.from_session(session))

    async def auser_for_session(
        self, request: HttpRequest | None, session: SessionContainer
    ) -> Any:
        return self.user_for_session(request, session)


class SuperTokensBackend(_SessionBackend, ModelBackend):
    """A row of ``AUTH_USER_MODEL`` per SuperTokens (primary) user id, created on first sight.

    A known user costs one query per request (link + user in one join); a new one, one call to
    the core for the email, then the rows. Customise by subclassing, as with Django's
    ``RemoteUserBackend``: ``create_unknown_user``, ``create_user()``, ``configure_user()``.
    Django's own user and group permissions still count (this is a ``ModelBackend``), together
    with the permission claim of the user's SuperTokens roles.
    """

    # False: a SuperTokens user without a linked row is AnonymousUser here.
    create_unknown_user = True

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:  # type: ignore[override]
        # Not ModelBackend's password check: SuperTokens is where these users sign in.
        return self._authenticate(request, kwargs)

    def user_for_session(self, request: HttpRequest | None, session: SessionContainer) -> Any:
        claims = TokenClaims.from_session(session)
        user = self.known_user(claims.user_id)
        if user is None:
            if not self.create_unknown_user:
                return None
            user = self._create(request, claims)
        self._apply_claims(user, claims)
        return user if self.user_can_authenticate(user) else None

    def known_user(self, supertokens_id: str) -> Any:
        # The user row alone, through the link (one query, a join): cheaper for the ORM than
        # fetching the link with select_related("user") and building two model instances.
        # _base_manager, as Django's link.user would: a custom default manager hiding some
        # users must not make their link look missing (the row would be created again).
        try:
            return get_user_model()._base_manager.get(
                supertokens_link__supertokens_id=supertokens_id
            )
        except ObjectDoesNotExist:
            return None

    def _create(self, request: HttpRequest | None, claims: TokenClaims) -> Any:
        from .models import SuperTokensUserLink

        email = self.fetch_email(claims.user_id)
        try:
            with transaction.atomic():
                user = self.create_user(request, claims.user_id, email)
                SuperTokensUserLink.objects.create(supertokens_id=claims.user_id, user=user)
                user = self.configure_user(request, user, created=True)
                user._st_created = True
        except IntegrityError:
            # Another request of the same new user got there first: use its row.
            user = self.known_user(claims.user_id)
            if user is None:
                raise
        return user

    def fetch_email(self, supertokens_id: str) -> str | None:
        """The user's email from the core (the one core call per new user), or None."""
        from supertokens_python.async_to_sync_wrapper import sync
        from supertokens_python.asyncio import get_user

        st_user = sync(get_user(supertokens_id))
        emails = getattr(st_user, "emails", None) or []
        return str(emails[0]) if emails else None

    def create_user(
        self, request: HttpRequest | None, supertokens_id: str, email: str | None
    ) -> Any:
        """Create (and save) the row for a new SuperTokens user.

        The username is the SuperTokens user id: unique, never reused, never changed, unlike an
        email. A user model whose USERNAME_FIELD is the email gets the email. The password is
        unusable: SuperTokens is where this user signs in.
        """
        user_model = get_user_model()
        user = user_model()
        email_field = user_model.get_email_field_name()
        username_field = user_model.USERNAME_FIELD
        if email and hasattr(user, email_field):
            setattr(user, email_field, email)
        if username_field != email_field or not email:
            setattr(user, username_field, supertokens_id)
        user.set_unusable_password()
        user.save()
        return user

    def configure_user(self, request: HttpRequest | None, user: Any, created: bool = True) -> Any:
        """Hook run after ``create_user`` (``created=True``) and at each new SuperTokens sign-in
        (``created=False``); return the (saved) user. Does nothing by default."""
        return user

    def _apply_claims(self, user: Any, claims: TokenClaims) -> None:
        user.supertokens_claims = claims
        changed = []
        for field in ("is_staff", "is_superuser"):
            wanted = getattr(claims, field)
            if wanted is not None and hasattr(user, field) and getattr(user, field) != wanted:
                setattr(user, field, wanted)
                changed.append(field)
        if changed:
            # Only when a role was granted or withdrawn: the admin's lists show the truth.
            type(user)._default_manager.filter(pk=user.pk).update(
                **{field: getattr(user, field) for field in changed}
            )

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        # Roles are SuperTokens' groups: their permissions join the Django groups' ones.
        permissions = super().get_group_permissions(user_obj, obj)
        claims = getattr(user_obj, "supertokens_claims", None)
        if claims is None or obj is not None or not user_obj.is_active:
            return permissions
        return {*permissions, *claims.permissions}


_backends: dict[tuple[str, ...], list[_SessionBackend]] = {}


def session_backends() -> list[_SessionBackend]:
    """The configured SuperTokens backends, in AUTHENTICATION_BACKENDS order.

    Kept per value of the setting: Django's get_backends() imports and instantiates every
    backend on each call, too much for every request.
    """
    paths = tuple(settings.AUTHENTICATION_BACKENDS)
    found = _backends.get(paths)
    if found is None:
        loaded = (load_backend(path) for path in paths)
        found = _backends[paths] = [b for b in loaded if isinstance(b, _SessionBackend)]
    return found


def _backend_path(backend: _SessionBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def user_for_session(request: HttpRequest | None, session: SessionContainer | None) -> Any:
    """The Django user of a verified session (or AnonymousUser), as the backends decide."""
    if session is not None:
        for backend in session_backends():
            user = backend.user_for_session(request, session)
            if user is not None:
                user.backend = _backend_path(backend)
                return user
    return AnonymousUser()


async def auser_for_session(request: HttpRequest | None, session: SessionContainer | None) -> Any:
    if session is not None:
        for backend in session_backends():
            user = await backend.auser_for_session(request, session)
            if user is not None:
                user.backend = _backend_path(backend)
                return user
    return AnonymousUser()


def has_session_backend() -> bool:
    return bool(session_backends())


__all__ = [
    "SuperTokensBackend",
    "SuperTokensStatelessBackend",
    "TokenClaims",
    "TokenUser",
    "auser_for_session",
    "user_for_session",
]


# --- Sign-in and sign-out: Django's signals, last_login, the admin --------------------------
# The SDK creates and revokes sessions inside its own (async) code, where the ORM must not run.
# So its session functions only note on the Django request what happened; the middleware then
# does the user's bookkeeping in the request's own context, once per sign-in or sign-out.


def _django_request(user_context: Any) -> HttpRequest | None:
    default = user_context.get("_default") if isinstance(user_context, Mapping) else None
    wrapper = default.get("request") if isinstance(default, Mapping) else None
    request = getattr(wrapper, "request", None)
    return request if isinstance(request, HttpRequest) else None


def _request_with_session(session_handle: str) -> HttpRequest | None:
    """The request being answered, if ``session_handle`` is its own session."""
    from .middleware import current_request

    ref = current_request.get()
    request = ref() if ref is not None else None
    session = getattr(request, "supertokens", None)
    if session is None or session.get_handle() != session_handle:
        return None
    return request


def _mark_sign_in_and_out(impl: Any) -> Any:
    create_new_session = impl.create_new_session
    revoke_session = impl.revoke_session

    async def create_and_mark(*args: Any, **kwargs: Any) -> Any:
        session = await create_new_session(*args, **kwargs)
        request = _django_request(kwargs.get("user_context", args[-1] if args else None))
        if request is not None:
            request._st_signed_in = session  # type: ignore[attr-defined]
        return session

    async def revoke_and_mark(session_handle: str, user_context: Any) -> Any:
        revoked = await revoke_session(session_handle, user_context)
        request = _django_request(user_context) or _request_with_session(session_handle)
        if request is not None:
            request._st_signed_out = session_handle  # type: ignore[attr-defined]
        return revoked

    impl.create_new_session = create_and_mark
    impl.revoke_session = revoke_and_mark
    return impl


def with_sign_in_hooks(options: dict[str, Any]) -> dict[str, Any]:
    """Session recipe options whose override (the user's, if any) also notes sign-in/out."""
    from supertokens_python.recipe.session import SessionOverrideConfig

    user_override = options.get("override")
    user_functions = getattr(user_override, "functions", None)

    def functions(original: Any) -> Any:
        return _mark_sign_in_and_out(user_functions(original) if user_functions else original)

    apis = getattr(user_override, "apis", None)
    override = SessionOverrideConfig(functions=functions, **({"apis": apis} if apis else {}))
    return {**options, "override": override}


def after_sign_in_or_out(request: HttpRequest) -> None:
    """Send user_logged_in / user_logged_out for a session this request created or revoked.

    Django's own receiver of user_logged_in sets last_login. A new sign-in is also when the
    backend's ``configure_user(created=False)`` refreshes an existing row.
    """
    signed_in = getattr(request, "_st_signed_in", None)
    if signed_in is not None:
        user = user_for_session(request, signed_in)
        if user.is_authenticated:
            backend = next(
                (b for b in session_backends() if _backend_path(b) == user.backend), None
            )
            if isinstance(backend, SuperTokensBackend) and not getattr(user, "_st_created", False):
                user = backend.configure_user(request, user, created=False)
            user_logged_in.send(sender=user.__class__, request=request, user=user)
    if getattr(request, "_st_signed_out", None) and not getattr(request, "_st_logged_out", False):
        session = getattr(request, "supertokens", None)
        user = user_for_session(request, session) if session is not None else AnonymousUser()
        if user.is_authenticated:
            user_logged_out.send(sender=user.__class__, request=request, user=user)


async def aafter_sign_in_or_out(request: HttpRequest) -> None:
    await sync_to_async(after_sign_in_or_out)(request)


@receiver(user_logged_out)
def revoke_on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Django's logout() (the admin's "Log out", say) also ends the SuperTokens session."""
    if request is None or not hasattr(request, "st_session"):
        return
    request._st_logged_out = True  # type: ignore[attr-defined]
    from supertokens_python.async_to_sync_wrapper import sync

    from .middleware import get_session

    session = get_session(request)
    if session is not None:
        # Queues the clearing of the session cookies, which the middleware writes.
        sync(session.revoke_session())


def admin_login(request: HttpRequest) -> HttpResponseBase:
    """The admin's login page, for sites whose users sign in with SuperTokens.

    Route it before the admin: ``path("admin/login/", admin_login)``. A visitor is sent to the
    site's sign-in page and back; a signed-in user who is not staff is refused (403).
    """
    from . import redirects

    index = reverse("admin:index")
    target = redirects.safe_target(request, request.GET.get(REDIRECT_FIELD_NAME)) or index
    user = request.user
    if user.is_authenticated:
        if user.is_active and user.is_staff:
            return redirect(target)
        raise PermissionDenied("This account may not use the admin.")
    login = redirects.add_query(
        redirects.login_url(), **{app_settings.LOGIN_REDIRECT_FIELD_NAME: target}
    )
    response = redirect(login)
    add_never_cache_headers(response)
    return response
