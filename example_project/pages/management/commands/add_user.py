"""``python manage.py add_user EMAIL PASSWORD [--role staff]``: an account of the example.

Signs the email up with SuperTokens' emailpassword recipe (or keeps the existing account) and
gives it SuperTokens roles, created with the permissions ``settings.EXAMPLE_ROLES`` lists.
Roles reach ``request.user`` in the access token, so they apply from the next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create an example account (SuperTokens emailpassword) with optional roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("password")
        parser.add_argument("--role", action="append", default=[], help="e.g. staff")

    def handle(self, *args: Any, **options: Any) -> None:
        from supertokens_python.recipe.emailpassword.interfaces import SignUpOkResult
        from supertokens_python.recipe.emailpassword.syncio import sign_up
        from supertokens_python.recipe.userroles.syncio import (
            add_role_to_user,
            create_new_role_or_add_permissions,
        )
        from supertokens_python.syncio import list_users_by_account_info
        from supertokens_python.types.base import AccountInfoInput

        email = options["email"]
        result = sign_up("public", email, options["password"])
        if isinstance(result, SignUpOkResult):
            user_id = result.user.id
        else:
            users = list_users_by_account_info("public", AccountInfoInput(email=email))
            if not users:
                raise CommandError(f"Cannot sign {email} up: {type(result).__name__}")
            user_id = users[0].id
        roles: dict[str, list[str]] = getattr(settings, "EXAMPLE_ROLES", {})
        for role in options["role"]:
            create_new_role_or_add_permissions(role, roles.get(role, []))
            add_role_to_user("public", user_id, role)
        self.stdout.write(f"{email}: SuperTokens user {user_id}, roles {options['role'] or '-'}")
