"""``SuperTokensMiddleware``: the SDK's /auth APIs, its queued cookies, a lazy session."""

from __future__ import annotations

import json
import weakref
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.utils.functional import SimpleLazyObject, cached_property

from . import appinfo, responses, sdkerrors
from .conf import app_settings
from .domains import note_request_origin
from .verify import (
    SAFE_METHODS,
    Outcome,
    Verification,
    averify_request,
    django_csrf_passed,
    is_core_failure,
    log_core_failure,
    logger,
    verify_request,
    within_core_timeout,
)

if TYPE_CHECKING:
    from supertokens_python.recipe.session.interfaces import SessionContainer

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]

_UNSET = object()
_T = TypeVar("_T")


def _no_claims(_globals: Any, _session: Any, _user_context: Any) -> list[Any]:
    return []


def _lazy_kwargs(request: HttpRequest) -> dict[str, Any]:
    # "Is somebody signed in?": claims are for the views that require them (the decorator),
    # and an expired token just means "not signed in" here.
    return {
        "session_required": False,
        "override_global_claim_validators": _no_claims,
        "anti_csrf_check": False if django_csrf_passed(request) else None,
    }


def _remember(request: HttpRequest, result: Verification) -> SessionContainer | None:
    session = result.session if result.outcome is Outcome.SESSION else None
    request._st_session = session  # type: ignore[attr-defined]
    # "Anonymous because the token expired" must not end on the sign-in page
    # (see _refresh_instead_of_sign_in).
    request._st_outcome = result.outcome  # type: ignore[attr-defined]
    return session


def get_session(request: HttpRequest) -> SessionContainer | None:
    cached = vars(request).get("_st_session", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    return _remember(request, verify_request(request, **_lazy_kwargs(request)))


async def aget_session(request: HttpRequest) -> SessionContainer | None:
    cached = vars(request).get("_st_session", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    return _remember(request, await averify_request(request, **_lazy_kwargs(request)))


def get_user(request: HttpRequest) -> Any:
    """The Django user of this request's SuperTokens session (``request.user``).

    Without a SuperTokens session, the user Django's AuthenticationMiddleware found (a password
    login to the admin, say), else AnonymousUser.
    """
    cached = getattr(request, "_st_user", None)
    if cached is None:
        from .auth import user_for_session

        cached = user_for_session(request, get_session(request))
        django_user = getattr(request, "_django_user", None)
        if not cached.is_authenticated and django_user is not None:
            cached = django_user
        request._st_user = cached  # type: ignore[attr-defined]
    return cached


async def aget_user(request: HttpRequest) -> Any:
    """``await request.auser()``: the async twin of :func:`get_user`."""
    cached = getattr(request, "_st_user", None)
    if cached is None:
        from .auth import auser_for_session

        cached = await auser_for_session(request, await aget_session(request))
        django_auser = getattr(request, "_django_auser", None)
        if not cached.is_authenticated and django_auser is not None:
            cached = await django_auser()
        request._st_user = cached  # type: ignore[attr-defined]
    return cached


# Whether AUTHENTICATION_BACKENDS names a SuperTokens backend: asked on every request, so kept
# until a setting it depends on changes (override_settings sends setting_changed). Reading
# settings.X per request costs more than this whole check (LazyObject.__getattribute__).
_auth_wired: bool | None = None


def _auth_configured() -> bool:
    global _auth_wired
    if _auth_wired is None:
        _auth_wired = apps.is_installed("django.contrib.auth")
        if _auth_wired:
            from .auth import session_backends

            _auth_wired = bool(session_backends())
    return _auth_wired


@receiver(setting_changed)
def _forget_auth_wiring(setting: str, **kwargs: Any) -> None:
    global _auth_wired
    if setting in ("AUTHENTICATION_BACKENDS", "INSTALLED_APPS"):
        _auth_wired = None


# The request being answered, weakly: SDK calls made by a view without passing the request (e.g.
# session.sync_revoke_session()) reach auth.py's session overrides with no request in their
# user_context. asyncio tasks and asgiref's thread hops copy context variables along.
current_request: ContextVar[weakref.ref[HttpRequest] | None] = ContextVar(
    "django_st_ssr_request", default=None
)


def _signed_in_or_out(request: HttpRequest) -> bool:
    """This request created or revoked a session (an SDK API, or a view calling the SDK), and
    Django's auth should hear of it."""
    attributes = vars(request)
    return "_st_signed_in" in attributes or "_st_signed_out" in attributes


def _call_alive(func: Callable[[HttpRequest], _T], ref: weakref.ReferenceType[HttpRequest]) -> _T:
    """``func(request)`` for a request held weakly.

    A request -> lazy session -> request cycle would leave every request, protected or not, to
    the cyclic garbage collector; on a bare page that costs more than the middleware itself.
    """
    request = ref()
    if request is None:
        raise RuntimeError("request.user was used after its request ended.")
    return func(request)


class _SessionAttributes:
    """What the middleware adds to a request: ``request.st_session`` and ``request.ast_session()``.

    Mixed into the request's own class (one subclass per request class, made once): a lazy
    object, a weakref and two partials made for every request cost about as much as the rest
    of the middleware, and unprotected pages paid it too. ``st_session`` is worked out on first
    use and then kept on the request like any attribute; views and decorators may set it.
    """

    st_session = cached_property(get_session)

    def ast_session(self) -> Awaitable[SessionContainer | None]:
        return aget_session(self)  # type: ignore[arg-type]


# Each request class (WSGIRequest, ASGIRequest, a project's own) -> its subclass with them.
_request_classes: dict[type, type] = {}


def _with_session_attributes(cls: type) -> type:
    mixed = cls
    if not issubclass(cls, _SessionAttributes):
        # Same name and module: reprs and error pages read as before.
        mixed = type(cls.__name__, (_SessionAttributes, cls), {"__module__": cls.__module__})
    _request_classes[cls] = _request_classes[mixed] = mixed
    return mixed


class SuperTokensMiddleware:
    """Serves the SDK's APIs under ``api_base_path``; everything else only gets a lazy session.

    Both sync and async capable, so under ASGI Django does not move requests to a thread for it.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        try:
            self.app_config = apps.get_app_config("django_st_ssr")
        except LookupError as exc:
            raise ImproperlyConfigured(
                "SuperTokensMiddleware needs 'django_st_ssr' in INSTALLED_APPS."
            ) from exc
        self._api_prefix: tuple[str, str, str] | None = None
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        auth = self._attach(request)
        if self._is_api_request(request):
            response = self._sync_api(request)
        else:
            response = self.get_response(request)  # type: ignore[assignment]
            if auth:
                response = _refresh_instead_of_sign_in(request, response)
        if auth and _signed_in_or_out(request):
            from .auth import after_sign_in_or_out

            after_sign_in_or_out(request)
        attributes = vars(request)
        if not (
            "_st_session" in attributes
            or "supertokens" in attributes
            or "_st_rejection" in attributes
        ):
            return response  # a page that never looked at the session: nothing to write
        return self._write_session(request, response)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        auth = self._attach(request)
        if self._is_api_request(request):
            response = await self._async_api(request)
        else:
            response = await self.get_response(request)  # type: ignore[misc]
            if auth:
                response = _refresh_instead_of_sign_in(request, response)
        if auth and _signed_in_or_out(request):
            from .auth import aafter_sign_in_or_out

            await aafter_sign_in_or_out(request)
        attributes = vars(request)
        if not (
            "_st_session" in attributes
            or "supertokens" in attributes
            or "_st_rejection" in attributes
        ):
            return response  # a page that never looked at the session: nothing to write
        return self._write_session(request, response)

    def _attach(self, request: HttpRequest) -> bool:
        """Give the request its lazy session (and user); True when Django's auth is wired."""
        error = self.app_config.init_error  # type: ignore[attr-defined]
        if error is not None:
            raise error
        cls = request.__class__
        request.__class__ = _request_classes.get(cls) or _with_session_attributes(cls)
        note_request_origin(request)
        auth = _auth_wired if _auth_wired is not None else _auth_configured()
        if auth:
            ref = weakref.ref(request)
            # Replaces what AuthenticationMiddleware (listed before us) set, keeping it as the
            # fallback for requests without a SuperTokens session.
            if hasattr(request, "user"):
                request._django_user = request.user  # type: ignore[attr-defined]
                request._django_auser = request.auser  # type: ignore[attr-defined]
            request.user = SimpleLazyObject(partial(_call_alive, get_user, ref))  # type: ignore[assignment]
            request.auser = partial(_call_alive, aget_user, ref)
            current_request.set(ref)
        return auth

    def _is_api_request(self, request: HttpRequest) -> bool:
        # A string test on whole path segments (/auth and /auth/..., never /authors), so
        # unrelated pages never touch the SDK. _answer_api then asks the SDK's own matching
        # (exact API paths and methods) whether one of its APIs answers.
        if self._api_prefix is None:
            from supertokens_python import Supertokens

            st = Supertokens.get_instance()
            if st.plugin_route_handlers:
                return True
            base = st.app_info.api_base_path.get_as_string_dangerous()
            self._api_prefix = (
                st.app_info.api_gateway_path.get_as_string_dangerous(),
                base,
                base + "/",
            )
        gateway, base, under_base = self._api_prefix
        path = gateway + request.path
        return path.startswith(base) and (path == base or path.startswith(under_base))

    def _sync_api(self, request: HttpRequest) -> HttpResponseBase:
        response = async_to_sync(_answer_api)(request)
        if response is None:
            return self.get_response(request)  # type: ignore[return-value]
        return response

    async def _async_api(self, request: HttpRequest) -> HttpResponseBase:
        response = await _answer_api(request)
        if response is None:
            return await self.get_response(request)  # type: ignore[no-any-return,misc]
        return response

    def _write_session(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Apply what the SDK queued on the session (new cookies, front-token, clearing)."""
        # The request's own attributes, read without the AttributeError a missing one costs.
        attributes = vars(request)
        if "_st_session" in attributes:
            # The page depended on the session cookies: shared caches must key on them.
            responses.vary_on_cookie(response)
        if "_st_rejection" in attributes or "_st_acceptance" in attributes:
            # An API framework's answer to a session it accepted or a rejection it raised
            # (contrib.drf, contrib.ninja).
            response = responses.finish_deferred(request, response)
        session = attributes.get("supertokens")
        # Nothing queued (a verified, unchanged session): nothing to write, and no SDK calls.
        if session is None or not getattr(session, "response_mutators", None):
            return response
        from supertokens_python.framework.django.django_request import DjangoRequest
        from supertokens_python.framework.django.django_response import DjangoResponse
        from supertokens_python.recipe.session import SessionContainer
        from supertokens_python.supertokens import manage_session_post_response
        from supertokens_python.utils import default_user_context

        if isinstance(session, SessionContainer):
            user_context = default_user_context(DjangoRequest(request))
            manage_session_post_response(session, DjangoResponse(response), user_context)  # type: ignore[arg-type]
        return response


def _refresh_instead_of_sign_in(
    request: HttpRequest, response: HttpResponseBase
) -> HttpResponseBase:
    """A user refused as anonymous only because the access token expired: refresh, come back.

    login_required, permission_required, user_passes_test, LoginRequiredMiddleware, the
    LoginRequiredMixin family and the admin all answer an anonymous user with Django's
    redirect_to_login (a redirect carrying this page as "next") or with 403. For a visitor
    whose token merely expired, that would be a needless trip to the sign-in page.
    """
    if vars(request).get("_st_outcome") is not Outcome.TRY_REFRESH:
        return response
    user = getattr(request, "_st_user", None)
    if user is None or user.is_authenticated:
        return response
    if response.status_code != 403 and not _is_sign_in_redirect(request, response):
        return response
    return responses.reject(request, Verification(Outcome.TRY_REFRESH))


def _is_sign_in_redirect(request: HttpRequest, response: HttpResponseBase) -> bool:
    """True for Django's redirect_to_login(this page): a redirect whose "next" is this page."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    location = urlsplit(str(response.get("Location", "")))
    fields = {"next", app_settings.LOGIN_REDIRECT_FIELD_NAME}
    targets = {request.get_full_path(), request.build_absolute_uri()}
    query = QueryDict(location.query)
    return any(value in targets for field in fields for value in query.getlist(field))


def _cross_site_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """A 403 for an unsafe call to the SDK's APIs made by a page of another site.

    The SDK's sign-in, sign-up and sign-out APIs read a JSON body whatever its Content-Type and
    check no token when anti_csrf is "NONE" (the same-site default), so a plain cross-site HTML
    form (enctype="text/plain") could sign a visitor into the attacker's account, or clear a
    visitor's cookies. Only this site, the API and the website (APP_INFO) may call.
    """
    if request.method in SAFE_METHODS or not appinfo.is_cross_site(request):
        return None
    return responses.cross_site_refused()


def _malformed_body_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """A 400 for a JSON body the SDK's APIs would crash on (a 500) instead of refusing.

    They index the body as an object and ``formFields`` as a list of objects without checking,
    and pass strings on to the core, where text that is not valid Unicode (a lone surrogate,
    which JSON can spell as ``"\\ud800"``) cannot be encoded. The body itself is never logged.
    Bodies that are not JSON at all stay the SDK's to answer (it reads them as ``{}``).
    """
    if request.method in SAFE_METHODS or not request.body:
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return None
    problem = _body_problem(body)
    if problem is None:
        return None
    return JsonResponse({"message": problem}, status=400)


def _body_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    fields = body.get("formFields")
    if isinstance(fields, list) and not all(isinstance(field, dict) for field in fields):
        return "formFields must be a list of objects"
    pending: list[Any] = [body]  # no recursion: JSON may nest as deep as its parser allows
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "the request body is not valid Unicode"
    return None


async def _sdk_route(st: Any, request: HttpRequest, user_context: dict[str, Any]) -> bool:
    """True when one of the SDK's APIs answers this path and method (its own matching)."""
    from supertokens_python.normalised_url_path import NormalisedURLPath
    from supertokens_python.utils import normalise_http_method

    try:
        path = st.app_info.api_gateway_path.append(NormalisedURLPath(request.path))
    except Exception:  # the SDK raises a bare Exception for a path it cannot normalise
        return False
    method = normalise_http_method(request.method or "")
    route = path.get_as_string_dangerous()
    if any(h.path == route and h.method == method for h in st.plugin_route_handlers):
        return True
    if not path.startswith(st.app_info.api_base_path):
        return False
    for recipe in st.recipe_modules:
        if await recipe.return_api_id_if_can_handle_request(path, method, user_context):
            return True
    return False


async def _answer_api(request: HttpRequest) -> HttpResponseBase | None:
    """The SDK's answer to a request under the API base path; None when no API matches."""
    import httpx
    from supertokens_python import Supertokens
    from supertokens_python.exceptions import SuperTokensError
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.framework.django.django_response import DjangoResponse
    from supertokens_python.utils import default_user_context

    from . import refresh

    # Before the SDK's matching: its refresh API is POST-only, this GET (or relayed form) is ours.
    if refresh.is_refresh_navigation(request):
        return await refresh.answer_refresh_navigation(request)
    st = Supertokens.get_instance()
    st_request = DjangoRequest(request)
    user_context = default_user_context(st_request)
    if not await _sdk_route(st, request, user_context):
        return None  # the site's own view under the base path, if any
    refusal = _cross_site_refusal(request) or _malformed_body_refusal(request)
    if refusal is not None:
        return refusal
    try:
        result = await within_core_timeout(
            st.middleware(st_request, DjangoResponse(HttpResponse()), user_context)
        )
    except SuperTokensError as exc:
        result = await st.handle_supertokens_error(
            st_request, exc, DjangoResponse(HttpResponse()), user_context
        )
    except httpx.InvalidURL:
        # The SDK puts request values (an email) in the core's URLs; httpx refuses one longer
        # than a URL may be. The request was too large, the core is fine.
        return JsonResponse({"message": "request too large"}, status=400)
    except Exception as exc:
        return _core_failure_or_raise(exc)
    if result is None:
        return None
    return result.response  # type: ignore[no-any-return,attr-defined]


def _core_failure_or_raise(exc: Exception) -> HttpResponseBase:
    if is_core_failure(exc):
        log_core_failure(exc)
        response = JsonResponse({"message": "authentication service unavailable"}, status=503)
        response["Retry-After"] = "5"
        return response
    # A refresh carrying two session cookies of one name (left behind when cookie_domain
    # changed) is the browser's state, not a server fault: 400, not the SDK's 500.
    if sdkerrors.is_duplicate_cookies(exc):
        logger.warning(
            "A refresh carried duplicate SuperTokens session cookies (cookie_domain changed?); "
            "set SUPERTOKENS['SESSION']['older_cookie_domain'] so the SDK can clear the old ones."
        )
        return JsonResponse({"message": "duplicate session cookies"}, status=400)
    raise exc
