"""Forms of the auth views. Field rules come from the SDK's emailpassword recipe configuration.

The SDK validates its form fields (email syntax, password policy, your own ``sign_up_feature``
validators) in its HTTP API layer only, which server-side views bypass. These forms run the same
validators, so a field error reads the same here as it would in SuperTokens' own UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from django import forms
from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PASSWORD = "password"


def _recipe_config() -> Any:
    from supertokens_python.recipe.emailpassword.recipe import EmailPasswordRecipe

    return EmailPasswordRecipe.get_instance().config


async def _field_errors(
    config_fields: Iterable[Any], values: dict[str, str], tenant_id: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field in config_fields:
        if field.id in values:
            error = await field.validate(values[field.id], tenant_id)
            if error is not None:
                errors[field.id] = str(error)
    return errors


def sdk_field_errors(
    config_fields: Iterable[Any], values: dict[str, str], tenant_id: str
) -> dict[str, str]:
    """SDK form-field id -> its validator's error, for the ``values`` given."""
    return async_to_sync(_field_errors)(config_fields, values, tenant_id)


class SDKValidatedForm(forms.Form):
    """A form whose fields (by SDK field id) are checked by the recipe's validators too."""

    # Form field name -> SDK form field id.
    sdk_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, tenant_id: str = "public", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant_id = tenant_id

    def sdk_config_fields(self) -> Iterable[Any]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None
        values = {
            sdk_id: cleaned[name]
            for name, sdk_id in self.sdk_fields.items()
            if isinstance(cleaned.get(name), str)
        }
        if values:
            errors = sdk_field_errors(self.sdk_config_fields(), values, self.tenant_id)
            for name, sdk_id in self.sdk_fields.items():
                if sdk_id in errors:
                    self.add_error(name, errors[sdk_id])
        return cleaned


def _email_field() -> forms.CharField:
    # A CharField: the SDK's email validator (or yours) decides what an email is.
    return forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SignInForm(SDKValidatedForm):
    email = _email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    sdk_fields: ClassVar[dict[str, str]] = {"email": EMAIL}

    def sdk_config_fields(self) -> Iterable[Any]:
        return _recipe_config().sign_in_feature.form_fields  # type: ignore[no-any-return]


class SignUpForm(SDKValidatedForm):
    email = _email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    sdk_fields: ClassVar[dict[str, str]] = {"email": EMAIL, "password": PASSWORD}

    def sdk_config_fields(self) -> Iterable[Any]:
        return _recipe_config().sign_up_feature.form_fields  # type: ignore[no-any-return]


class PasswordResetForm(SDKValidatedForm):
    email = _email_field()
    sdk_fields: ClassVar[dict[str, str]] = {"email": EMAIL}

    def sdk_config_fields(self) -> Iterable[Any]:
        feature = _recipe_config().reset_password_using_token_feature
        return feature.form_fields_for_generate_token_form  # type: ignore[no-any-return]


class SetPasswordForm(SDKValidatedForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=1000)
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    sdk_fields: ClassVar[dict[str, str]] = {"new_password1": PASSWORD}

    def sdk_config_fields(self) -> Iterable[Any]:
        feature = _recipe_config().reset_password_using_token_feature
        return feature.form_fields_for_password_reset_form  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        return cleaned


class VerifyEmailForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=1000)
