"""What a real SuperTokens core (v11, CDI 5.4) answers to bad input and odd requests.

Each test is one row of the comparison in issue 11: the answers asserted are the real core's, so
the emulated core must match them and the tests pass unchanged with ``ST_CORE_URI``.
"""

from __future__ import annotations

import http.client
import re
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from django_st_ssr.testing import unique_email

from .cdi import call, headers, jwt_part, new_session, post, refresh, text

INVALID = "Field name '{}' is invalid in JSON input"


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != name}


def test_missing_api_key_is_401_on_the_handshake(keyed_core):
    response = httpx.get(keyed_core.url + "/apiversion")
    assert (response.status_code, text(response)) == (401, "Invalid API key")


def test_tenant_v2_answers_only_the_current_keys(st_core):
    response = call(st_core, "GET", "/public/recipe/multitenancy/tenant/v2")
    assert response.status_code == 200
    tenant = response.json()
    assert set(tenant) == {"status", "tenantId", "thirdParty", "coreConfig"}
    assert (tenant["status"], tenant["tenantId"]) == ("OK", "public")
    assert set(tenant["thirdParty"]) == {"providers"}


def test_refresh_needs_use_dynamic_signing_key(st_core):
    created = new_session(st_core)
    body = {"refreshToken": created["refreshToken"]["token"], "enableAntiCsrf": False}
    response = call(st_core, "POST", "/recipe/session/refresh", body)
    assert (response.status_code, text(response)) == (400, INVALID.format("useDynamicSigningKey"))
    # Nothing happened: the same token still refreshes once the field is there.
    body["useDynamicSigningKey"] = True
    assert post(st_core, "/recipe/session/refresh", body)["status"] == "OK"


def test_refresh_without_refresh_token_is_400(st_core):
    body = {"enableAntiCsrf": False, "useDynamicSigningKey": True}
    response = call(st_core, "POST", "/recipe/session/refresh", body)
    assert (response.status_code, text(response)) == (400, INVALID.format("refreshToken"))


def test_regenerate_with_a_garbage_token_is_a_500(st_core):
    body = {"accessToken": "garbage", "userDataInJWT": {}}
    assert call(st_core, "POST", "/recipe/session/regenerate", body).status_code == 500


@pytest.mark.parametrize("claim", ["sub", "sessionHandle", "exp"])
def test_payload_naming_a_protected_claim_is_refused(st_core, claim):
    response = call(
        st_core,
        "POST",
        "/public/recipe/session",
        {
            "userId": f"contract-{uuid.uuid4()}",
            "userDataInJWT": {claim: "mine"},
            "userDataInDatabase": {},
            "useDynamicSigningKey": True,
            "enableAntiCsrf": False,
        },
    )
    assert (response.status_code, text(response)) == (
        400,
        "The user payload contains protected field",
    )
    handle = new_session(st_core)["session"]["handle"]
    body = {"sessionHandle": handle, "userDataInJWT": {claim: "mine"}}
    response = call(st_core, "PUT", "/recipe/jwt/data", body)
    assert (response.status_code, text(response)) == (
        400,
        "The user payload contains protected field",
    )


@pytest.mark.parametrize("body", [{"password": ""}, {}], ids=["empty", "missing"])
def test_sign_up_without_a_password_is_400_and_creates_no_user(st_core, body):
    email = unique_email()
    response = call(st_core, "POST", "/public/recipe/signup", {"email": email, **body})
    assert response.status_code == 400
    found = call(st_core, "GET", f"/public/users/by-accountinfo?email={email}").json()
    assert found["users"] == []


def test_sign_in_with_a_number_as_email_is_400(st_core):
    body = {"email": 12345, "password": "Pw1-whatever"}
    response = call(st_core, "POST", "/public/recipe/signin", body)
    assert (response.status_code, text(response)) == (400, INVALID.format("email"))


@pytest.mark.parametrize("limit", ["1000", "abc"])
def test_user_list_limit_must_be_a_number_up_to_500(st_core, limit):
    response = call(st_core, "GET", f"/public/users?limit={limit}")
    assert response.status_code == 400
    if limit == "1000":
        assert text(response) == "max limit allowed is 500"
    assert call(st_core, "GET", "/public/users?limit=500").status_code == 200


def test_undecodable_pagination_token_lists_from_the_start(st_core):
    # Sent byte for byte: an HTTP client library would re-quote the "%".
    url = urlsplit(st_core.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.request("GET", "/public/users?paginationToken=%%%", headers=headers(st_core))
        response = connection.getresponse()
        assert response.status == 200
        assert b'"users"' in response.read()
    finally:
        connection.close()


SESSION_BODY = {
    "userId": "contract-user",
    "userDataInJWT": {},
    "userDataInDatabase": {},
    "useDynamicSigningKey": True,
    "enableAntiCsrf": False,
}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (without(SESSION_BODY, "userId"), "userId"),
        ({**SESSION_BODY, "userDataInJWT": "a string"}, "userDataInJWT"),
        ({**SESSION_BODY, "userId": 42}, "userId"),
        (without(SESSION_BODY, "enableAntiCsrf"), "enableAntiCsrf"),
    ],
    ids=["no-userId", "payload-string", "userId-number", "no-enableAntiCsrf"],
)
def test_session_creation_checks_every_field(st_core, body, field):
    response = call(st_core, "POST", "/public/recipe/session", body)
    assert (response.status_code, text(response)) == (400, INVALID.format(field))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: without(b, "accessToken"), "accessToken"),
        (lambda b: without(b, "checkDatabase"), "checkDatabase"),
        (lambda b: {**b, "doAntiCsrfCheck": "false"}, "doAntiCsrfCheck"),
    ],
    ids=["no-accessToken", "no-checkDatabase", "doAntiCsrfCheck-string"],
)
def test_verify_checks_every_field(st_core, change, field):
    token = new_session(st_core)["accessToken"]["token"]
    body = {
        "accessToken": token,
        "doAntiCsrfCheck": False,
        "enableAntiCsrf": False,
        "checkDatabase": False,
    }
    response = call(st_core, "POST", "/recipe/session/verify", change(body))
    assert (response.status_code, text(response)) == (400, INVALID.format(field))


@pytest.mark.parametrize("path", ["/recipe/session", "/user/id"])
def test_lookups_without_their_query_parameter_are_400(st_core, path):
    assert call(st_core, "GET", path).status_code == 400


def test_session_remove_with_handles_not_a_list_is_400(st_core):
    handle = new_session(st_core)["session"]["handle"]
    response = call(st_core, "POST", "/recipe/session/remove", {"sessionHandles": handle})
    assert response.status_code == 400
    # Nothing was revoked.
    info = call(st_core, "GET", f"/recipe/session?sessionHandle={handle}").json()
    assert info["status"] == "OK"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/recipe/session/refresh"), ("GET", "/recipe/session/verify"), ("DELETE", "/users")],
)
def test_wrong_method_is_405(st_core, method, path):
    response = call(st_core, method, path)
    assert (response.status_code, text(response)) == (405, "Method not supported")


def test_refresh_tokens_have_the_real_shape(st_core):
    created = new_session(st_core)
    refreshed = refresh(st_core, created["refreshToken"]["token"])
    for token in (created["refreshToken"]["token"], refreshed["refreshToken"]["token"]):
        # <standard base64 of the encrypted session data>.<sha256 hex nonce>.V2; the encrypted
        # part's length follows what it holds (316 characters in all for an SDK session on v11).
        data, nonce, version = token.split(".")
        assert (len(nonce), version) == (64, "V2")
        assert re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", data), token
        assert len(data) % 4 == 0, token
        assert re.fullmatch(r"[0-9a-f]+", nonce), token
        assert 250 < len(token) < 450


def test_dynamic_key_ids_are_creation_times_in_ms(st_core):
    kid = jwt_part(new_session(st_core)["accessToken"]["token"], 0)["kid"]
    match = re.fullmatch(r"d-(\d{13})", kid)
    assert match, kid
    created_ms = int(match.group(1))
    now_ms = time.time() * 1000
    # Keys rotate every 168 hours by default: the current one is at most that old.
    assert now_ms - 169 * 3600 * 1000 < created_ms <= now_ms + 60_000
