from __future__ import annotations

from django import forms


class CredentialsForm(forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput)


class SignUpForm(CredentialsForm):
    # The SDK's own password rules apply only to its /auth/signup API; a server-side sign-up
    # calls the recipe function directly, so the form enforces a minimum here.
    password = forms.CharField(
        strip=False,
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters.",
    )
