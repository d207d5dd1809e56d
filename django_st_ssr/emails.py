"""SuperTokens' emails (password reset, email verification) sent through Django's email backend.

The SDK's default delivery posts every email to SuperTokens' servers. Plug this service into the
recipes instead::

    from supertokens_python.recipe import emailpassword, emailverification
    from django_st_ssr.emails import django_email_delivery

    emailpassword.init(email_delivery=django_email_delivery())
    emailverification.init(mode="OPTIONAL", email_delivery=django_email_delivery())

Each email is rendered from three templates (override any of them in your own templates
directory): ``django_st_ssr/emails/<kind>_subject.txt``, ``<kind>_body.txt`` and
``<kind>_body.html``, where kind is ``password_reset`` or ``verify_email``. It is sent with
``settings.DEFAULT_FROM_EMAIL`` through ``settings.EMAIL_BACKEND``.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from supertokens_python.ingredients.emaildelivery.types import (
    EmailDeliveryConfig,
    EmailDeliveryInterface,
)
from supertokens_python.recipe.emailpassword.types import PasswordResetEmailTemplateVars
from supertokens_python.recipe.emailverification.types import VerificationEmailTemplateVars


def email_kind_and_context(template_vars: Any) -> tuple[str, dict[str, Any]]:
    """The template kind and context for one of the SDK's email inputs."""
    # Imported here: settings.py imports this module, and the settings accessor must load later
    # (its setting_changed receiver is meant to run after those connected at app loading).
    from .conf import app_settings

    app_name = str(app_settings.APP_INFO.get("app_name", ""))
    if isinstance(template_vars, PasswordResetEmailTemplateVars):
        kind, link = "password_reset", template_vars.password_reset_link
    elif isinstance(template_vars, VerificationEmailTemplateVars):
        kind, link = "verify_email", template_vars.email_verify_link
    else:
        raise TypeError(f"No email templates for {type(template_vars).__name__}.")
    return kind, {
        "app_name": app_name,
        "email": template_vars.user.email,
        "link": link,
        "user_id": template_vars.user.id,
        "tenant_id": template_vars.tenant_id,
    }


def render_email(template_vars: Any) -> EmailMultiAlternatives:
    kind, context = email_kind_and_context(template_vars)
    prefix = f"django_st_ssr/emails/{kind}"
    # One line, whatever the template's trailing newline: a header may not contain one.
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"{prefix}_body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [context["email"]],
    )
    message.attach_alternative(render_to_string(f"{prefix}_body.html", context), "text/html")
    return message


class DjangoEmailService(EmailDeliveryInterface[Any]):
    """The recipes' email delivery service: Django templates, Django's email backend."""

    async def send_email(self, template_vars: Any, user_context: dict[str, Any]) -> None:
        message = render_email(template_vars)
        # Email backends block (SMTP): off the event loop, in the thread a sync view runs in.
        await sync_to_async(message.send)()


def django_email_delivery() -> EmailDeliveryConfig[Any]:
    """``email_delivery=`` for ``emailpassword.init`` and ``emailverification.init``."""
    return EmailDeliveryConfig(service=DjangoEmailService())
