"""How an outcome is answered, per kind of client.

``verify.py`` decides *what* a request is (a session, try-refresh, unauthorised, invalid claims,
core unavailable); this module alone decides how each kind of client is told: a browser loading a
page gets a redirect or an HTML page, fetch/XHR gets JSON with a status its SDK understands. The
decorator, the mixin and every integration ask :func:`reject`, so there is one answer per
(outcome, client) pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import redirects
from .conf import app_settings
from .verify import Outcome, Verification

# Tells a script where a navigation would have been sent to renew the session.
REFRESH_URL_HEADER = "X-SuperTokens-Refresh-URL"

_HTML_TYPES = ("text/html", "application/xhtml+xml")

CROSS_SITE_REFUSED = {"message": "cross-site request refused"}

# supertokens-website's fetch and XMLHttpRequest interceptors add this header (and ``rid``) to
# every call they handle (lib/build/fetch.js doRequest, xmlhttprequest.js send); they answer a
# 401 by refreshing and replaying the call. htmx alone never sends it.
SDK_INTERCEPTOR_HEADER = "st-auth-mode"


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made (it sends ``HX-Request: true``)."""
    # META, not request.headers: building that mapping costs ~65k instructions, and every
    # rejected request asks this.
    return request.META.get("HTTP_HX_REQUEST") == "true"


def htmx_needs_page(request: HttpRequest) -> bool:
    """An htmx request that must be answered with a full-page move, not a 401.

    htmx ignores a 401 (the click does nothing) and follows a 3xx silently, swapping whatever it
    ends on (a refresh or sign-in page) into the fragment. Only when the page's frontend SDK
    intercepts the call is the 401 right: the SDK refreshes and replays it, body and all.
    """
    return is_htmx(request) and SDK_INTERCEPTOR_HEADER not in request.headers


def htmx_current_page(request: HttpRequest, *, absolute: bool = False) -> str:
    """The page htmx is on (``HX-Current-URL``, validated): the way back after a full-page move.

    Never the request's own URL: that is a fragment, not a page to return to.
    """
    url = redirects.safe_target(request, request.headers.get("HX-Current-URL"))
    parts = urlsplit(url or redirects.FALLBACK_TARGET)
    if parts.netloc and not absolute and parts.netloc.lower() == request.get_host().lower():
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))
    if not parts.netloc and absolute:
        return request.build_absolute_uri(urlunsplit(("", "", parts.path, parts.query, "")))
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def htmx_redirect(location: str) -> HttpResponse:
    """A full-page navigation htmx performs itself (``HX-Redirect``); never a 3xx."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = location
    return response


def _accept_quality(accept: str, wanted: Callable[[str], bool]) -> float:
    best = 0.0
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not wanted(media.lower()):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def _wants_html(request: HttpRequest, *, default: bool = True) -> bool:
    """A browser's own request (address bar, link, form), not a script's.

    ``default``: the answer when nothing says either way (no Sec-Fetch-Mode, no Accept).
    """
    # META, not request.headers: building that mapping cost more than the rest of this test.
    meta = request.META
    mode = meta.get("HTTP_SEC_FETCH_MODE")
    if mode:
        return bool(mode == "navigate")
    if meta.get("HTTP_X_REQUESTED_WITH") or meta.get("HTTP_HX_REQUEST"):
        return False
    accept = meta.get("HTTP_ACCEPT", "")
    json_quality = _accept_quality(accept, lambda m: m == "application/json" or m.endswith("+json"))
    html_quality = _accept_quality(accept, lambda m: m in _HTML_TYPES)
    if not json_quality and not html_quality:
        return default
    return html_quality >= json_quality


def is_navigation(request: HttpRequest) -> bool:
    """True for a browser loading a page (where a redirect makes sense), not fetch/XHR."""
    return request.method in ("GET", "HEAD") and _wants_html(request)


def reject(
    request: HttpRequest,
    result: Verification,
    *,
    refresh_url: str | None = None,
    login_url: str | None = None,
    redirect_field_name: str | None = None,
    back_to_page_on_failure: bool = False,
) -> HttpResponseBase:
    """The answer to a request whose verification did not produce a session.

    ``refresh_url``, ``login_url`` and ``redirect_field_name`` are a view's own overrides of the
    settings (None: the settings). ``back_to_page_on_failure``: a failed refresh returns to the
    page (an optional-session page) instead of going to the login page.
    """
    if result.outcome is Outcome.INVALID_CLAIMS:
        response = invalid_claims(request, result, redirect_field_name=redirect_field_name)
    elif result.outcome is Outcome.CORE_UNAVAILABLE:
        response = core_unavailable(request)
    else:
        response = refresh_required(
            request,
            refresh_url=refresh_url,
            login_url=login_url,
            redirect_field_name=redirect_field_name,
            back_to_page_on_failure=back_to_page_on_failure,
        )
    apply_sdk_mutators(request, result, response)
    # Answers about one browser's session: no cache may keep or share them.
    never_cache(response)
    return response


# What add_never_cache_headers() writes on a response without caching headers.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _header_store(response: HttpResponseBase) -> dict[str, tuple[str, str]]:
    """The response's headers as Django keeps them: lower-case name -> (name, value).

    Asking ``response.has_header()`` or ``.get()`` for a header that is missing raises and
    catches a KeyError, and ``response[name] = value`` re-checks the charset of a constant:
    about 5k instructions each, a fifth of what verifying an accepted request costs. The
    constant ASCII headers below are read and written here directly; the result is the same as
    through Django's helpers (tests/app/test_shortcut_equivalence.py compares them).
    """
    return response.headers._store


def never_cache(response: HttpResponseBase) -> None:
    """``add_never_cache_headers(response)``, written directly when there is nothing to merge."""
    store = _header_store(response)
    if "cache-control" in store or "expires" in store:
        add_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date()
    store["cache-control"] = ("Cache-Control", NEVER_CACHE)


def accepted(
    request: HttpRequest, result: Verification, response: HttpResponseBase
) -> HttpResponseBase:
    """The view's own response to a verified request (or to an optional page's visitor).

    Its content depends on who asks, so no cache may share it: ``private`` keeps shared caches
    and Django's own (``cache_page`` in front of the decorator, the site-wide cache middleware,
    which skip private responses) from storing it, and ``Vary: Cookie`` is there before any of
    them looks.
    """
    if result.session is not None:
        redirects.forget_refresh_attempts(request, response)
    if result.response_mutators or result.clear_tokens:
        # An optional page shown anonymously after a failed refresh: the SDK's cookie clearing.
        apply_sdk_mutators(request, result, response)
    private(response)
    vary_on_cookie(response)
    return response


def private(response: HttpResponseBase) -> None:
    """``patch_cache_control(response, private=True)``, written directly when there is none yet."""
    store = _header_store(response)
    if "cache-control" in store:
        patch_cache_control(response, private=True)
    else:
        store["cache-control"] = ("Cache-Control", "private")


def vary_on_cookie(response: HttpResponseBase) -> None:
    """``patch_vary_headers(response, ("Cookie",))``, without parsing what is already there."""
    store = _header_store(response)
    vary = store.get("vary")
    if vary is None:
        store["vary"] = ("Vary", "Cookie")
    elif vary[1] != "Cookie":
        patch_vary_headers(response, ("Cookie",))


def api_answer(
    outcome: Outcome, claim_errors: Sequence[dict[str, Any]] = ()
) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) telling a script (fetch, DRF, Ninja) about an outcome.

    The statuses and bodies supertokens-web-js acts on: 401 "try refresh token" makes it refresh
    and replay the call (a missing or revoked session ends in its UNAUTHORISED event); 403
    carries the SDK's ``claimValidationErrors``.
    """
    if outcome is Outcome.INVALID_CLAIMS:
        return 403, {"message": "invalid claim", "claimValidationErrors": list(claim_errors)}
    if outcome is Outcome.CORE_UNAVAILABLE:
        return 503, {"message": "authentication service unavailable"}
    return 401, {"message": "try refresh token"}


def is_form_post(request: HttpRequest) -> bool:
    """True for a browser submitting an HTML form (it shows the answer as a page).

    Unlike a GET, a POST needs evidence (browsers send Sec-Fetch-Mode or an Accept naming
    HTML): a bare API client's POST keeps its 401 JSON.
    """
    return request.method == "POST" and _wants_html(request, default=False)


def cross_site_refused() -> HttpResponseBase:
    """An unsafe request that a page of an untrusted origin made (see ``appinfo.is_cross_site``).

    The answer of the /auth guard and of protected views no Django CSRF check has seen.
    """
    response = JsonResponse(CROSS_SITE_REFUSED, status=403)
    never_cache(response)
    return response


def refresh_required(
    request: HttpRequest,
    *,
    refresh_url: str | None = None,
    login_url: str | None = None,
    redirect_field_name: str | None = None,
    back_to_page_on_failure: bool = False,
) -> HttpResponseBase:
    """TRY_REFRESH / UNAUTHORISED: send a page to be refreshed, tell a script to refresh.

    REFRESH_MODE "server" sends navigations through the server-side refresh (``refresh.py``),
    "page" (or a view's own ``refresh_url``) to the JavaScript refresh page.
    """
    from . import refresh

    server = refresh_url is None and app_settings.refresh_mode == "server"
    destination = (
        refresh.refresh_endpoint(request) if server else redirects.refresh_url(refresh_url)
    )
    htmx = htmx_needs_page(request)
    navigation = is_navigation(request)
    if not htmx and not navigation and not is_form_post(request):
        status, body = api_answer(Outcome.TRY_REFRESH)
        response: HttpResponseBase = JsonResponse(body, status=status)
        response[REFRESH_URL_HEADER] = destination
        return response
    # HttpResponseRedirect, not redirect(): that first tries (and fails) to reverse the URL.
    if redirects.loop_detected(request):
        loop_page = redirects.loop_error_url(redirects.refresh_url(refresh_url))
        response = htmx_redirect(loop_page) if htmx else HttpResponseRedirect(loop_page)
        redirects.forget_refresh_attempts(request, response)
        return response
    if server:
        # The handler runs under the default field; a view's own field names its refresh page's.
        field = app_settings.REDIRECT_FIELD_NAME
        # On another host (pages on www, API on api) the way back must name this host.
        absolute = not refresh.on_api_origin(request)
        if htmx:
            target = htmx_current_page(request, absolute=absolute)
        else:
            target = request.build_absolute_uri() if absolute else request.get_full_path()
    else:
        field = redirect_field_name or app_settings.REDIRECT_FIELD_NAME
        target = htmx_current_page(request) if htmx else request.get_full_path()
    params = {field: target}
    if back_to_page_on_failure:
        # The "login URL" signed for this target is the target itself: see refresh_destinations.
        params[redirects.LOGIN_URL_PARAM] = redirects.sign_refresh_context(
            target, login_url=target, field=field
        )
    elif login_url or field != app_settings.REDIRECT_FIELD_NAME:
        params[redirects.LOGIN_URL_PARAM] = redirects.sign_refresh_context(
            target,
            login_url=redirects.login_url(login_url) if login_url else None,
            field=field,
        )
    location = redirects.add_query(destination, **params)
    if htmx:
        response = htmx_redirect(location)
    elif navigation:
        response = HttpResponseRedirect(location)
    elif server and refresh.on_api_origin(request):
        # 307: the browser sends the same POST, body and all, to the refresh and back again;
        # Django's CSRF check then runs on the final POST as on any other.
        response = HttpResponseRedirect(location)
        response.status_code = 307
    else:
        # Through another origin the final POST would carry "Origin: null" (Django's CSRF
        # check refuses it), and the refresh page takes no POST: a page keeps the data instead.
        return form_resubmission(request, login_url=login_url)
    redirects.count_refresh_attempt(request, response)
    return response


def form_resubmission(request: HttpRequest, *, login_url: str | None = None) -> HttpResponseBase:
    """An HTML page for a form whose session expired: renew it in the page, then send again."""
    from .views import refresh_page_context

    fields = [(name, value) for name, values in request.POST.lists() for value in values]
    # The form is sent again to this page: never to a path a browser reads as another site.
    page = redirects.this_page(request)
    context = refresh_page_context(
        request, target=page, login_url=redirects.login_url(login_url), resubmit=True
    )
    context.update({"fields": fields, "had_files": bool(request.FILES), "retry_url": page})
    return render(request, "django_st_ssr/form_resubmit.html", context, status=401)


def invalid_claims(
    request: HttpRequest, result: Verification, *, redirect_field_name: str | None = None
) -> HttpResponseBase:
    # Whether or not the page's SDK intercepts it, an htmx call would leave a 403 unseen.
    htmx = is_htmx(request)
    if htmx or is_navigation(request):
        claim_redirects = app_settings.CLAIM_REDIRECTS
        for claim_id in result.claim_ids:
            if claim_id in claim_redirects:
                field = redirect_field_name or app_settings.REDIRECT_FIELD_NAME
                target = redirects.add_query(
                    str(resolve_url(claim_redirects[claim_id])),
                    **{field: htmx_current_page(request) if htmx else request.get_full_path()},
                )
                return htmx_redirect(target) if htmx else redirect(target)
        page = render(
            request,
            "django_st_ssr/invalid_claims.html",
            {"claim_ids": result.claim_ids},
            status=200 if htmx else 403,
        )
        if htmx:
            # htmx swaps only 2xx answers: this one replaces the whole page, not the fragment.
            page["HX-Retarget"] = "body"
            page["HX-Reswap"] = "innerHTML"
        return page
    status, body = api_answer(Outcome.INVALID_CLAIMS, result.claim_errors)
    return JsonResponse(body, status=status)


def core_unavailable(request: HttpRequest) -> HttpResponseBase:
    response: HttpResponse
    if is_navigation(request):
        response = render(
            request,
            "django_st_ssr/core_unavailable.html",
            {"retry_url": redirects.this_page(request)},
            status=503,
        )
    else:
        status, body = api_answer(Outcome.CORE_UNAVAILABLE)
        response = JsonResponse(body, status=status)
    response["Retry-After"] = "5"
    return response


def defer_rejection(request: HttpRequest, result: Verification) -> None:
    """Note a rejection whose response a framework builds later (DRF, Ninja raise instead).

    ``SuperTokensMiddleware`` then finishes that response with :func:`finish_deferred`.
    """
    request._st_rejection = result  # type: ignore[attr-defined]


def defer_acceptance(request: HttpRequest, result: Verification) -> None:
    """Note a session a framework accepted (DRF, Ninja), whose response it builds later.

    ``SuperTokensMiddleware`` then finishes that response with :func:`finish_deferred`, which
    answers it as :func:`accepted` answers a page's.
    """
    request._st_acceptance = result  # type: ignore[attr-defined]


def finish_deferred(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """The answer of a framework that accepted or rejected the session itself (DRF, Ninja).

    An accepted call is finished as :func:`accepted` finishes a page (the refresh-loop guard
    ends, no shared cache keeps it). On a rejection the framework raised, a script keeps the
    framework's response (the 401/403/503 of :func:`api_answer`), with the SDK's cookie changes
    and no-store; a person looking at the framework's HTML (DRF's browsable API) gets what a
    page gets from :func:`reject`: the refresh, the sign-in, the claim page.
    """
    result: Verification | None = getattr(request, "_st_rejection", None)
    if result is None or response.status_code < 400:
        # A 2xx/3xx did not come from the rejection: e.g. the browsable API probing the
        # permissions of a form it may show, or another permission that allowed the call.
        session: Verification | None = getattr(request, "_st_acceptance", None)
        return response if session is None else accepted(request, session, response)
    if _framework_page_in_browser(request, response):
        return reject(request, result)
    apply_sdk_mutators(request, result, response)
    add_never_cache_headers(response)
    if result.outcome is Outcome.CORE_UNAVAILABLE:
        response["Retry-After"] = "5"
    return response


def _framework_page_in_browser(request: HttpRequest, response: HttpResponseBase) -> bool:
    """The framework answered with HTML, and a browser shows it as a page (or htmx swaps it in).

    An API client without an Accept header gets the framework's first renderer (JSON), never a
    redirect. A call supertokens-website intercepts is a script, whatever it accepts: it refreshes
    on the 401 itself.
    """
    content_type = str(response.get("Content-Type", "")).lower()
    if not content_type.startswith(_HTML_TYPES) or SDK_INTERCEPTOR_HEADER in request.headers:
        return False
    return is_navigation(request) or is_form_post(request) or is_htmx(request)


def apply_sdk_mutators(
    request: HttpRequest, result: Verification, response: HttpResponseBase
) -> None:
    """Write what the SDK wants on this response: its queued mutators and cookie clearing."""
    if not result.response_mutators and not result.clear_tokens:
        return
    from supertokens_python.framework.django.django_request import DjangoRequest
    from supertokens_python.framework.django.django_response import DjangoResponse
    from supertokens_python.recipe.session.cookie_and_header import (
        clear_session_from_all_token_transfer_methods,
    )
    from supertokens_python.recipe.session.recipe import SessionRecipe
    from supertokens_python.utils import default_user_context

    st_request = DjangoRequest(request)
    st_response = DjangoResponse(response)  # type: ignore[arg-type]
    user_context = default_user_context(st_request)
    for mutator in result.response_mutators:
        mutator(st_response, user_context)
    if result.clear_tokens:
        clear_session_from_all_token_transfer_methods(
            st_response, SessionRecipe.get_instance(), st_request, user_context
        )
