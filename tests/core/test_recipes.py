"""Email verification, user roles and user metadata over plain CDI, as a real core answers.

Names are unique per test (a real core keeps roles, users and metadata between runs).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from django_st_ssr.testing import unique_email

from .cdi import headers, text


def cdi(core: Any, method: str, path: str, body: Any = None, rid: str = "") -> httpx.Response:
    return httpx.request(
        method, core.url + path, json=body, headers={**headers(core), "rid": rid or "session"}
    )


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_email_verification_lifecycle(st_core):
    ev = "emailverification"
    user_id, email = f"contract-{uuid.uuid4()}", unique_email("ev")
    pair = {"userId": user_id, "email": email}
    query = f"/recipe/user/email/verify?userId={user_id}&email={email}"
    assert ok(cdi(st_core, "GET", query, rid=ev)) == {"status": "OK", "isVerified": False}

    first = ok(cdi(st_core, "POST", "/public/recipe/user/email/verify/token", pair, rid=ev))
    second = ok(cdi(st_core, "POST", "/public/recipe/user/email/verify/token", pair, rid=ev))
    assert first["status"] == second["status"] == "OK"
    assert first["token"] != second["token"]
    verified = ok(
        cdi(
            st_core,
            "POST",
            "/public/recipe/user/email/verify",
            {"method": "token", "token": first["token"]},
            rid=ev,
        )
    )
    assert (verified["status"], verified["userId"], verified["email"]) == ("OK", user_id, email)
    assert ok(cdi(st_core, "GET", query, rid=ev))["isVerified"] is True

    # Verifying used up every token of that address, and a verified address gets no new one.
    reused = {"method": "token", "token": second["token"]}
    answer = ok(cdi(st_core, "POST", "/public/recipe/user/email/verify", reused, rid=ev))
    assert answer["status"] == "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"
    answer = ok(cdi(st_core, "POST", "/public/recipe/user/email/verify/token", pair, rid=ev))
    assert answer == {"status": "EMAIL_ALREADY_VERIFIED_ERROR"}

    assert (
        ok(cdi(st_core, "POST", "/recipe/user/email/verify/remove", pair, rid=ev))["status"] == "OK"
    )
    assert ok(cdi(st_core, "GET", query, rid=ev))["isVerified"] is False

    # Revoked tokens no longer verify.
    token = ok(cdi(st_core, "POST", "/public/recipe/user/email/verify/token", pair, rid=ev))
    revoked = cdi(st_core, "POST", "/public/recipe/user/email/verify/token/remove", pair, rid=ev)
    assert ok(revoked)["status"] == "OK"
    answer = ok(
        cdi(
            st_core,
            "POST",
            "/public/recipe/user/email/verify",
            {"method": "token", "token": token["token"]},
            rid=ev,
        )
    )
    assert answer["status"] == "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"
    assert ok(cdi(st_core, "GET", query, rid=ev))["isVerified"] is False


def test_email_verification_needs_the_token_method(st_core):
    body = {"method": "link", "token": "whatever"}
    response = cdi(st_core, "POST", "/public/recipe/user/email/verify", body, "emailverification")
    assert (response.status_code, text(response)) == (
        400,
        "Unsupported method for email verification",
    )


def test_roles_and_permissions(st_core):
    r = "userroles"
    role = f"editor-{uuid.uuid4().hex[:10]}"
    perm = f"articles:{uuid.uuid4().hex[:10]}"
    user_id = f"contract-{uuid.uuid4()}"

    unknown = ok(cdi(st_core, "GET", f"/recipe/role/permissions?role={role}", rid=r))
    assert unknown == {"status": "UNKNOWN_ROLE_ERROR"}
    grant = {"userId": user_id, "role": role}
    assert ok(cdi(st_core, "PUT", "/public/recipe/user/role", grant, rid=r)) == unknown

    created = ok(cdi(st_core, "PUT", "/recipe/role", {"role": role, "permissions": [perm]}, rid=r))
    assert created == {"status": "OK", "createdNewRole": True}
    again = ok(cdi(st_core, "PUT", "/recipe/role", {"role": role, "permissions": [perm]}, rid=r))
    assert again == {"status": "OK", "createdNewRole": False}
    assert role in ok(cdi(st_core, "GET", "/recipe/roles", rid=r))["roles"]
    permissions = ok(cdi(st_core, "GET", f"/recipe/role/permissions?role={role}", rid=r))
    assert permissions == {"status": "OK", "permissions": [perm]}
    roles = ok(cdi(st_core, "GET", f"/recipe/permission/roles?permission={perm}", rid=r))
    assert roles == {"status": "OK", "roles": [role]}

    added = ok(cdi(st_core, "PUT", "/public/recipe/user/role", grant, rid=r))
    assert added == {"status": "OK", "didUserAlreadyHaveRole": False}
    added = ok(cdi(st_core, "PUT", "/public/recipe/user/role", grant, rid=r))
    assert added == {"status": "OK", "didUserAlreadyHaveRole": True}
    of_user = ok(cdi(st_core, "GET", f"/public/recipe/user/roles?userId={user_id}", rid=r))
    assert of_user == {"status": "OK", "roles": [role]}
    users = ok(cdi(st_core, "GET", f"/public/recipe/role/users?role={role}", rid=r))
    assert users == {"status": "OK", "users": [user_id]}

    removed = ok(cdi(st_core, "POST", "/public/recipe/user/role/remove", grant, rid=r))
    assert removed == {"status": "OK", "didUserHaveRole": True}
    of_user = ok(cdi(st_core, "GET", f"/public/recipe/user/roles?userId={user_id}", rid=r))
    assert of_user == {"status": "OK", "roles": []}

    body = {"role": role, "permissions": [perm]}
    assert ok(cdi(st_core, "POST", "/recipe/role/permissions/remove", body, rid=r)) == {
        "status": "OK"
    }
    permissions = ok(cdi(st_core, "GET", f"/recipe/role/permissions?role={role}", rid=r))
    assert permissions == {"status": "OK", "permissions": []}

    deleted = ok(cdi(st_core, "POST", "/recipe/role/remove", {"role": role}, rid=r))
    assert deleted == {"status": "OK", "didRoleExist": True}
    deleted = ok(cdi(st_core, "POST", "/recipe/role/remove", {"role": role}, rid=r))
    assert deleted == {"status": "OK", "didRoleExist": False}


def test_empty_role_name_is_400(st_core):
    response = cdi(st_core, "PUT", "/recipe/role", {"role": "  "}, rid="userroles")
    assert (response.status_code, text(response)) == (
        400,
        "Field name 'role' cannot be an empty String",
    )


def test_user_metadata_merges_shallowly_and_null_deletes(st_core):
    m = "usermetadata"
    user_id = f"contract-{uuid.uuid4()}"
    path = f"/recipe/user/metadata?userId={user_id}"
    assert ok(cdi(st_core, "GET", path, rid=m)) == {"status": "OK", "metadata": {}}

    update = {"userId": user_id, "metadataUpdate": {"theme": "dark", "prefs": {"a": 1}}}
    assert ok(cdi(st_core, "PUT", "/recipe/user/metadata", update, rid=m))["metadata"] == {
        "theme": "dark",
        "prefs": {"a": 1},
    }
    update = {"userId": user_id, "metadataUpdate": {"theme": None, "prefs": {"b": 2}}}
    merged = ok(cdi(st_core, "PUT", "/recipe/user/metadata", update, rid=m))
    assert merged == {"status": "OK", "metadata": {"prefs": {"b": 2}}}
    assert ok(cdi(st_core, "GET", path, rid=m)) == merged

    removed = cdi(st_core, "POST", "/recipe/user/metadata/remove", {"userId": user_id}, rid=m)
    assert ok(removed) == {"status": "OK"}
    assert ok(cdi(st_core, "GET", path, rid=m)) == {"status": "OK", "metadata": {}}
