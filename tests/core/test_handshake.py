"""Handshake, routing and the api-key, over plain HTTP."""

from __future__ import annotations

import uuid

import httpx
import pytest

from .cdi import headers


def test_hello_and_apiversion_offer_cdi_5_4(st_core):
    assert httpx.get(st_core.url + "/hello", headers=headers(st_core)).status_code == 200
    response = httpx.get(st_core.url + "/apiversion", headers=headers(st_core))
    assert response.status_code == 200
    assert "5.4" in response.json()["versions"]


def test_jwks_lists_rs256_signing_keys_without_api_key(st_core):
    keys = httpx.get(st_core.url + "/.well-known/jwks.json").json()["keys"]
    assert keys
    assert {key["kty"] for key in keys} == {"RSA"}
    assert any(key["kid"].startswith("d-") for key in keys)
    assert all(key["alg"] == "RS256" and key["use"] == "sig" for key in keys)


def test_unknown_path_is_404(st_core):
    path = f"/no/such/endpoint/{uuid.uuid4().hex}"
    response = httpx.get(st_core.url + path, headers=headers(st_core))
    assert response.status_code == 404


@pytest.mark.emulator_only(reason="checks the emulator's own 404 text")
def test_unknown_path_404_names_method_and_path(st_core):
    response = httpx.post(st_core.url + "/recipe/nope", json={}, headers=headers(st_core))
    assert response.status_code == 404
    assert "POST /recipe/nope" in response.text


def test_api_key_is_enforced_like_the_real_core(keyed_core):
    body = {"sessionHandles": ["x"]}
    path = keyed_core.url + "/recipe/session/remove"
    cdi = {"cdi-version": "5.4"}
    missing = httpx.post(path, json=body, headers=cdi)
    wrong = httpx.post(path, json=body, headers={**cdi, "api-key": "nope"})
    right = httpx.post(path, json=body, headers={**cdi, "api-key": keyed_core.api_key})
    bearer = httpx.post(
        path, json=body, headers={**cdi, "authorization": f"Bearer {keyed_core.api_key}"}
    )
    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert (right.status_code, right.json()) == (200, {"status": "OK", "sessionHandlesRevoked": []})
    assert (bearer.status_code, bearer.json()) == (200, right.json())


def test_only_hello_and_the_jwks_are_open_on_a_core_with_a_key(keyed_core):
    # The handshake needs the key too; the SDK sends none for the JWKS.
    assert httpx.get(keyed_core.url + "/apiversion").status_code == 401
    assert httpx.get(keyed_core.url + "/hello").status_code == 200
    assert httpx.get(keyed_core.url + "/.well-known/jwks.json").status_code == 200
    with_key = httpx.get(keyed_core.url + "/apiversion", headers={"api-key": keyed_core.api_key})
    assert with_key.status_code == 200


def test_wrong_api_key_is_refused_by_a_core_that_has_one(keyed_core):
    response = httpx.post(
        keyed_core.url + "/recipe/session/remove",
        json={"sessionHandles": []},
        headers=headers(keyed_core, api_key="wrong-" + uuid.uuid4().hex),
    )
    assert response.status_code == 401
