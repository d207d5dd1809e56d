"""``{% load st_ssr %}{% st_ssr_frontend %}``: supertokens-web-js on any page.

With it, the page's fetch/XHR calls (htmx's included) go through web-js, which refreshes an
expired session and replays the call (see README "APIs and partial pages"). The configuration
travels in a json_script element and the init code is a static file: no inline script, so it
works under ``script-src 'self'``; a CSP nonce is added to every <script> when the page has one.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import SafeString

from ..views import web_js_app_info, web_js_scripts

register = template.Library()

CONFIG_ID = "django-st-ssr-frontend"


def _nonce(context: template.Context, nonce: str | None) -> str | None:
    """The page's CSP nonce: given, or Django 6's / django-csp's ``csp_nonce``."""
    if nonce:
        return nonce
    if context.get("csp_nonce"):
        return str(context["csp_nonce"])
    request = context.get("request")
    value = getattr(request, "csp_nonce", None) if request is not None else None
    return str(value) if value else None


def frontend_config() -> dict[str, Any]:
    """What static/django_st_ssr/frontend.js needs to initialise web-js like the refresh page."""
    from supertokens_python.recipe.session.recipe import SessionRecipe

    from .. import redirects
    from ..conf import app_settings

    return {
        "appInfo": web_js_app_info(),
        "cookieDomain": SessionRecipe.get_instance().config.cookie_domain or None,
        # Where the page goes when web-js finds the session revoked or expired for good.
        "loginUrl": redirects.login_url(),
        "loginField": app_settings.LOGIN_REDIRECT_FIELD_NAME,
    }


@register.simple_tag(takes_context=True)
def st_ssr_frontend(context: template.Context, nonce: str | None = None) -> SafeString:
    """The pinned supertokens-web-js, its json_script configuration and the init script."""
    value = _nonce(context, nonce)
    nonce_attr = format_html(' nonce="{}"', value) if value else ""
    scripts = [*web_js_scripts(), {"src": static("django_st_ssr/frontend.js")}]
    tags = format_html_join(
        "\n",
        '<script src="{}"{}{}></script>',
        (
            (
                script["src"],
                format_html(
                    ' integrity="{}" crossorigin="{}"', script["integrity"], script["crossorigin"]
                )
                if script.get("integrity")
                else "",
                nonce_attr,
            )
            for script in scripts
        ),
    )
    config = json_script(frontend_config(), CONFIG_ID)
    return format_html("{}\n{}", config, tags)
