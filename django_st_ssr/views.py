"""The refresh page: runs supertokens-web-js ``attemptRefreshingSession()`` and goes on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from . import appinfo, redirects, refresh
from .conf import SETTING_NAME, app_settings

WEB_JS_BUNDLES = ("website", "supertokens", "session")
WEB_JS_STATIC_DIR = "django_st_ssr/vendor/supertokens-web-js"


def web_js_scripts() -> list[dict[str, str]]:
    """The supertokens-web-js <script> tags to load, in order: self-hosted, or WEB_JS."""
    configured = app_settings.WEB_JS
    if configured is None:
        return [{"src": static(f"{WEB_JS_STATIC_DIR}/{name}.js")} for name in WEB_JS_BUNDLES]
    if not isinstance(configured, (list, tuple)):
        raise ImproperlyConfigured(f"settings.{SETTING_NAME}['WEB_JS'] must be None or a list.")
    scripts = []
    for item in configured:
        if isinstance(item, str):
            item = {"src": item}
        if not isinstance(item, Mapping) or not item.get("src"):
            raise ImproperlyConfigured(
                f"settings.{SETTING_NAME}['WEB_JS'] items must be URLs or dicts with 'src'."
            )
        script = {"src": str(item["src"])}
        if item.get("integrity"):
            script["integrity"] = str(item["integrity"])
            # Integrity checks on another origin need a CORS fetch.
            script["crossorigin"] = str(item.get("crossorigin", "anonymous"))
        scripts.append(script)
    return scripts


def web_js_app_info() -> dict[str, str]:
    """The appInfo supertokens-web-js needs, from the same APP_INFO the backend uses."""
    app_info = app_settings.APP_INFO
    result = {
        "appName": str(app_info["app_name"]),
        "apiDomain": str(app_info["api_domain"]),
        "apiBasePath": str(app_info.get("api_base_path") or "/auth"),
    }
    if app_info.get("api_gateway_path"):
        result["apiGatewayPath"] = str(app_info["api_gateway_path"])
    return result


def refresh_api_url() -> str:
    """The SDK's refresh API, as supertokens-web-js calls it (named in the page's errors)."""
    info = web_js_app_info()
    return (
        info["apiDomain"].rstrip("/")
        + info.get("apiGatewayPath", "")
        + (info["apiBasePath"].rstrip("/") + "/session/refresh")
    )


def refresh_page_context(
    request: HttpRequest, *, target: str, login_url: str, resubmit: bool = False
) -> dict[str, Any]:
    """What the refresh page's template and refresh.js need (also the form resubmission page)."""
    from supertokens_python.recipe.session.recipe import SessionRecipe

    return {
        "target": target,
        "login_url": login_url,
        "refresh_api_url": refresh_api_url(),
        "web_js_scripts": web_js_scripts(),
        "refresh_config": {
            "appInfo": web_js_app_info(),
            "target": target,
            "loginUrl": login_url,
            "refreshApiUrl": refresh_api_url(),
            # web-js writes its state cookies here; the server writes them on the same domain.
            "cookieDomain": SessionRecipe.get_instance().config.cookie_domain or None,
            "resubmit": resubmit,
            "allowedOrigins": sorted(appinfo.website_origins(request)),
            "maxAttempts": app_settings.MAX_REFRESH_ATTEMPTS,
            "loopCookie": redirects.LOOP_COOKIE_NAME,
            "windowSeconds": app_settings.REFRESH_WINDOW,
        },
    }


@method_decorator(never_cache, name="dispatch")
class RefreshSessionView(TemplateView):
    """Renders ``django_st_ssr/refresh_session.html``; ``?error=loop`` renders the loop error."""

    template_name = "django_st_ssr/refresh_session.html"
    http_method_names = ("get", "head")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        target, login_url = redirects.refresh_destinations(self.request)
        error = self.request.GET.get("error")
        context.update(refresh_page_context(self.request, target=target, login_url=login_url))
        context.update(
            {
                # Rebuilt from the validated target: the raw query string is never echoed.
                "retry_url": redirects.add_query(
                    self.request.path, **{app_settings.REDIRECT_FIELD_NAME: target}
                ),
                "error": error if error == "loop" else None,
            }
        )
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response


refresh_session = RefreshSessionView.as_view()
# Django 5.1+ LoginRequiredMiddleware: this page is how a signed-out browser finds out.
refresh_session.login_required = False  # type: ignore[attr-defined]


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST: revoke this browser's session (even with an expired access token), clear its
    cookies and browser state, then go to ``next`` (validated) or ``settings.LOGOUT_REDIRECT_URL``.

    A POST, so Django's CSRF check applies: a link on another site cannot sign anyone out.
    """
    field = app_settings.LOGIN_REDIRECT_FIELD_NAME
    target = redirects.safe_target(
        request, request.POST.get(field) or request.GET.get(field)
    ) or str(resolve_url(settings.LOGOUT_REDIRECT_URL or "/"))
    response = HttpResponseRedirect(target)
    refresh.sign_out(request, response)
    return response


# Django 5.1+ LoginRequiredMiddleware: signing out must work without a valid session.
sign_out.login_required = False  # type: ignore[attr-defined]
