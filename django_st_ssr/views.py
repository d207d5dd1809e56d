"""The refresh page: runs supertokens-web-js ``attemptRefreshingSession()`` and goes on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from . import redirects
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


@method_decorator(never_cache, name="dispatch")
class RefreshSessionView(TemplateView):
    """Renders ``django_st_ssr/refresh_session.html``; ``?error=loop`` renders the loop error."""

    template_name = "django_st_ssr/refresh_session.html"
    http_method_names = ("get", "head")

    def get_target(self) -> str:
        field = app_settings.REDIRECT_FIELD_NAME
        return redirects.safe_target_or_fallback(self.request, self.request.GET.get(field))

    def get_login_url(self, target: str) -> str:
        signed = redirects.signed_login_url(self.request.GET.get(redirects.LOGIN_URL_PARAM))
        url = signed or redirects.login_url()
        return redirects.add_query(url, **{app_settings.LOGIN_REDIRECT_FIELD_NAME: target})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        target = self.get_target()
        login_url = self.get_login_url(target)
        error = self.request.GET.get("error")
        context.update(
            {
                "target": target,
                "login_url": login_url,
                # Rebuilt from the validated target: the raw query string is never echoed.
                "retry_url": redirects.add_query(
                    self.request.path, **{app_settings.REDIRECT_FIELD_NAME: target}
                ),
                "error": error if error == "loop" else None,
                "web_js_scripts": web_js_scripts(),
                "refresh_config": {
                    "appInfo": web_js_app_info(),
                    "target": target,
                    "loginUrl": login_url,
                    "maxAttempts": app_settings.MAX_REFRESH_ATTEMPTS,
                    "loopCookie": redirects.LOOP_COOKIE_NAME,
                    "windowSeconds": app_settings.REFRESH_WINDOW,
                },
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
