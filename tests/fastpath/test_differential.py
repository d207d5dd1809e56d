"""The fast path against the SDK's own ``get_session``, on the same requests.

For every case both run on their own copy of the request. Where the fast path accepts, the SDK
must accept with the same session; where the SDK rejects (or calls the core), the fast path must
decline. ``fast`` says whether the fast path is expected to decide the case at all, so a fast
path that declined everything would fail here too.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory
from supertokens_python.recipe.session import jwks
from supertokens_python.recipe.session.claims import PrimitiveClaim
from supertokens_python.recipe.session.exceptions import (
    InvalidClaimsError,
    TryRefreshTokenError,
    UnauthorisedError,
)
from supertokens_python.recipe.session.recipe import SessionRecipe
from supertokens_python.recipe.session.syncio import (
    get_session,
    refresh_session_without_request_response,
)

from django_st_ssr import fastpath

from .tokens import assemble, b64, fresh_claims, segments, sign_with_own_key

rf = RequestFactory()


def make_request(method: str = "get", cookie: str | None = None, **headers: Any) -> Any:
    extra = dict(headers)
    if cookie is not None:
        extra["HTTP_COOKIE"] = cookie
    return getattr(rf, method)("/page/", **extra)


def describe(session: Any, request: Any) -> tuple[Any, ...]:
    """Everything a view can see of a session, and what it leaves on the request."""
    return (
        "session",
        session.get_user_id(),
        session.get_recipe_user_id().get_as_string(),
        session.get_handle(),
        session.get_tenant_id(),
        session.get_access_token_payload(),
        session.get_access_token(),
        session.front_token,
        session.anti_csrf_token,
        session.refresh_token,
        session.access_token_updated,
        session.req_res_info.transfer_method,
        # The wrapper the session's queued cookie writes read the request through.
        session.req_res_info.request.get_header("cookie"),
        session.req_res_info.request.method(),
        len(session.response_mutators),
        type(session),
        request.supertokens is session,
    )


def sdk_outcome(build: Callable[[], Any], **kwargs: Any) -> tuple[Any, ...]:
    request = build()
    try:
        session = get_session(request, **kwargs)
    except TryRefreshTokenError:
        return ("try_refresh",)
    except UnauthorisedError as exc:
        return ("unauthorised", exc.clear_tokens)
    except InvalidClaimsError:
        return ("invalid_claims",)
    if session is None:
        return ("none",)
    return describe(session, request)


def fast_outcome(build: Callable[[], Any], **kwargs: Any) -> tuple[Any, ...]:
    request = build()
    session = fastpath.get_session(request, **kwargs)
    if session is None:
        return ("undecided",)
    return describe(session, request)


def assert_same(build: Callable[[], Any], *, fast: bool, **kwargs: Any) -> tuple[Any, ...]:
    fast_result = fast_outcome(build, **kwargs)
    sdk_result = sdk_outcome(build, **kwargs)
    if fast:
        assert fast_result[0] == "session", (fast_result, sdk_result)
        assert fast_result == sdk_result
        # A second look comes from the cache and must not differ either.
        assert fast_outcome(build, **kwargs) == sdk_result
    else:
        assert fast_result == ("undecided",), (fast_result, sdk_result)
    return sdk_result


def cookie_for(token: str) -> Callable[[], Any]:
    return lambda: make_request(cookie=f"sAccessToken={token}")


pytestmark = pytest.mark.usefixtures("warm_keys")


# -- tokens from the real SDK and core -------------------------------------------------------


def test_valid_session_is_accepted_identically(new_session: Any) -> None:
    created = new_session({"role": "editor", "nested": {"a": [1, 2]}})
    result = assert_same(cookie_for(created["access"]), fast=True)
    assert result[1] == created["user_id"]
    assert result[3] == created["handle"]
    assert result[5]["role"] == "editor"


def test_payload_is_a_fresh_copy_per_request(new_session: Any) -> None:
    created = new_session({"role": "editor"})
    first = fastpath.get_session(cookie_for(created["access"])())
    assert first is not None
    first.get_access_token_payload()["role"] = "admin"
    second = fastpath.get_session(cookie_for(created["access"])())
    assert second is not None
    assert second.get_access_token_payload()["role"] == "editor"


def test_no_cookie_and_garbage_cookie_are_left_to_the_sdk() -> None:
    assert assert_same(lambda: make_request(), fast=False) == ("unauthorised", False)
    assert assert_same(cookie_for("not-a-jwt"), fast=False) == ("unauthorised", False)
    assert assert_same(lambda: make_request(), fast=False, session_required=False) == ("none",)


def test_tampered_payload_and_signature(new_session: Any) -> None:
    token = new_session()["access"]
    header, payload, signature = segments(token)
    payload["sub"] = "someone-else"
    assert assert_same(cookie_for(assemble(header, payload, signature)), fast=False) == (
        "try_refresh",
    )
    flipped = signature[:-3] + ("AAA" if signature[-3:] != "AAA" else "BBB")
    assert assert_same(cookie_for(token.rsplit(".", 1)[0] + "." + flipped), fast=False) == (
        "try_refresh",
    )


def test_wrong_key_with_a_known_kid(new_session: Any) -> None:
    header, payload, _ = segments(new_session()["access"])
    forged = sign_with_own_key(header, payload)
    assert assert_same(cookie_for(forged), fast=False) == ("try_refresh",)


def test_unknown_kid(new_session: Any) -> None:
    header, payload, _ = segments(new_session()["access"])
    header["kid"] = f"d-{uuid.uuid4()}"
    forged = sign_with_own_key(header, payload)
    # The SDK refetches the JWKS for an unknown kid unless it did so < 500 ms ago.
    time.sleep(0.6)
    assert assert_same(cookie_for(forged), fast=False) == ("try_refresh",)


def test_alg_none_and_hs256_with_the_public_key(new_session: Any) -> None:
    header, payload, _ = segments(new_session()["access"])
    none_token = assemble({**header, "alg": "none"}, payload, "")
    assert assert_same(cookie_for(none_token), fast=False) == ("try_refresh",)

    key = next(k for k in jwks.cached_keys.keys if k.key_id == header["kid"])  # type: ignore[union-attr]
    from cryptography.hazmat.primitives import serialization

    pem = key.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = assemble({**header, "alg": "HS256"}, payload, "").rstrip(".")
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    hs_token = f"{signing_input}.{b64(mac)}"
    assert assert_same(cookie_for(hs_token), fast=False) == ("try_refresh",)


def test_duplicated_and_legacy_cookies(new_session: Any) -> None:
    token = new_session()["access"]
    twice = f"sAccessToken={token}; sAccessToken={token}"
    assert assert_same(lambda: make_request(cookie=twice), fast=False) == ("try_refresh",)
    encoded_name = f"sAccessToken={token}; %73AccessToken={token}"
    assert assert_same(lambda: make_request(cookie=encoded_name), fast=False) == ("try_refresh",)
    legacy = f"sAccessToken={token}; sIdRefreshToken=x"
    assert assert_same(lambda: make_request(cookie=legacy), fast=False) == ("try_refresh",)
    # Other cookies around it, and a name that merely contains ours, change nothing.
    others = f"a=1; xsAccessTokenx=2; sAccessToken={token}; b=3"
    assert_same(lambda: make_request(cookie=others), fast=True)


def test_bearer_header_is_left_to_the_sdk(new_session: Any) -> None:
    cookie_token, header_token = new_session()["access"], new_session()["access"]
    result = assert_same(
        lambda: make_request(
            cookie=f"sAccessToken={cookie_token}", HTTP_AUTHORIZATION=f"Bearer {header_token}"
        ),
        fast=False,
    )
    # The configured transfer method is "cookie", so the SDK reads the cookie.
    assert result[0] == "session"


def test_revoked_session_with_and_without_check_database(new_session: Any) -> None:
    from supertokens_python.recipe.session.syncio import revoke_session

    created = new_session()
    assert revoke_session(created["handle"])
    # Without check_database the SDK trusts the token until it expires; so does the fast path.
    assert_same(cookie_for(created["access"]), fast=True)
    assert assert_same(cookie_for(created["access"]), fast=False, check_database=True) == (
        "unauthorised",
        True,
    )


def test_check_database_on_a_live_session_goes_to_the_sdk(new_session: Any) -> None:
    created = new_session()
    result = assert_same(cookie_for(created["access"]), fast=False, check_database=True)
    assert result[1] == created["user_id"]


def test_first_use_after_refresh_goes_to_the_sdk(new_session: Any) -> None:
    created = new_session()
    refreshed = refresh_session_without_request_response(created["refresh"], True)
    token = refreshed.get_access_token()
    assert segments(token)[1]["parentRefreshTokenHash1"] is not None
    result = assert_same(cookie_for(token), fast=False)
    assert result[0] == "session"
    assert result[10] is True  # the SDK re-issued the token (access_token_updated)


def test_first_use_after_refresh_is_handed_over_before_any_signature_check(
    new_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = new_session()
    token = refresh_session_without_request_response(created["refresh"], True).get_access_token()
    checked: list[str] = []
    real_decode = fastpath.jwt.decode

    def counting_decode(raw: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(raw)
        return real_decode(raw, *args, **kwargs)

    monkeypatch.setattr(fastpath.jwt, "decode", counting_decode)
    assert fast_outcome(cookie_for(token)) == ("undecided",)
    assert checked == []
    # An ordinary token is still checked (so the count above could have seen one).
    assert fast_outcome(cookie_for(new_session()["access"]))[0] == "session"
    assert len(checked) == 1


def test_anti_csrf_modes(
    new_session: Any, monkeypatch: pytest.MonkeyPatch, session_config: Any
) -> None:
    token = new_session()["access"]

    def post(**headers: Any) -> Callable[[], Any]:
        return lambda: make_request("post", cookie=f"sAccessToken={token}", **headers)

    # NONE (the test settings): POSTs are not checked.
    assert_same(post(), fast=True)
    assert_same(lambda: make_request("head", cookie=f"sAccessToken={token}"), fast=True)

    monkeypatch.setattr(session_config, "anti_csrf_function_or_string", "VIA_CUSTOM_HEADER")
    assert assert_same(post(), fast=False) == ("try_refresh",)
    assert_same(post(HTTP_RID="anti-csrf"), fast=True)
    assert_same(cookie_for(token), fast=True)
    assert_same(post(), fast=True, anti_csrf_check=False)

    monkeypatch.setattr(session_config, "anti_csrf_function_or_string", "VIA_TOKEN")
    # The token carries no anti-csrf value: a checked request fails, an unchecked one passes.
    assert assert_same(post(HTTP_ANTI_CSRF="x"), fast=False) == ("try_refresh",)
    assert_same(cookie_for(token), fast=True)
    assert_same(post(HTTP_ANTI_CSRF="x"), fast=True, anti_csrf_check=False)


def test_headers_outside_http_names(
    new_session: Any, session_config: Any, monkeypatch: Any
) -> None:
    # DjangoRequest.get_header() prefers a META key without the HTTP_ prefix: an anti-CSRF
    # value there is the session's, and a second access token only there is a duplicate.
    token = new_session()["access"]
    cookie = f"sAccessToken={token}"
    result = assert_same(lambda: make_request(cookie=cookie, ANTI_CSRF="plain"), fast=True)
    assert result[8] == "plain"
    both = dict(ANTI_CSRF="plain", HTTP_ANTI_CSRF="http")
    assert assert_same(lambda: make_request(cookie=cookie, **both), fast=True)[8] == "plain"
    twice = f"{cookie}; {cookie}"
    assert assert_same(lambda: make_request(cookie=cookie, COOKIE=twice), fast=False) == (
        "try_refresh",
    )
    assert_same(lambda: make_request(cookie=cookie, COOKIE="a=1"), fast=True)


def test_user_functions_see_one_user_context_as_with_the_sdk(
    new_session: Any, monkeypatch: pytest.MonkeyPatch, session_config: Any
) -> None:
    """A user's transfer-method and anti-CSRF functions and a claim override are called as the
    SDK calls them: in the same order, with one user context holding the request."""
    token = new_session()["access"]
    calls: list[tuple[str, Any, str]] = []
    answers = {"transfer": "cookie", "anti_csrf": "NONE"}

    def transfer(request: Any, for_create_new_session: bool, user_context: Any) -> str:
        calls.append(("transfer", user_context, user_context["_default"]["request"].method()))
        return answers["transfer"]

    def anti_csrf(request: Any, user_context: Any) -> str:
        calls.append(("anti_csrf", user_context, user_context["_default"]["request"].method()))
        return answers["anti_csrf"]

    def no_claims(validators: Any, session: Any, user_context: Any) -> list[Any]:
        calls.append(("claims", user_context, user_context["_default"]["request"].method()))
        return []

    monkeypatch.setattr(session_config, "get_token_transfer_method", transfer)
    monkeypatch.setattr(session_config, "anti_csrf_function_or_string", anti_csrf)

    def seen(outcome: Callable[..., Any], method: str) -> tuple[Any, ...]:
        calls.clear()
        result = outcome(
            lambda: make_request(method, cookie=f"sAccessToken={token}"),
            override_global_claim_validators=no_claims,
        )
        contexts = {id(context) for _name, context, _method in calls}
        return result, [(name, method) for name, _context, method in calls], len(contexts)

    for method in ("get", "post"):
        fast, sdk = seen(fast_outcome, method), seen(sdk_outcome, method)
        assert fast[0][0] == "session"
        assert fast == sdk
        assert [name for name, _method in fast[1]] == ["transfer", "anti_csrf", "claims"]
        assert {called for _name, called in fast[1]} == {method.upper()}
        assert fast[2] == 1

    answers["anti_csrf"] = "VIA_CUSTOM_HEADER"  # checked on a POST without rid: the SDK's
    assert seen(fast_outcome, "post")[0] == ("undecided",)
    assert seen(sdk_outcome, "post")[0] == ("try_refresh",)
    assert seen(fast_outcome, "get") == seen(sdk_outcome, "get")
    answers["transfer"] = "header"  # the SDK looks for a bearer token only
    assert seen(fast_outcome, "get")[0] == ("undecided",)
    assert seen(sdk_outcome, "get")[0] == ("unauthorised", False)


def test_an_anti_csrf_function_that_raises_is_the_sdks_to_raise(
    new_session: Any, monkeypatch: pytest.MonkeyPatch, session_config: Any
) -> None:
    def broken(request: Any, user_context: Any) -> str:
        raise LookupError("no mode today")

    monkeypatch.setattr(session_config, "anti_csrf_function_or_string", broken)
    request = cookie_for(new_session()["access"])
    assert fast_outcome(request) == ("undecided",)
    with pytest.raises(LookupError):
        sdk_outcome(request)


def test_a_verified_request_is_freed_without_the_garbage_collector(new_session: Any) -> None:
    # The session keeps the request only weakly: the request -> session -> request cycle the
    # SDK's own wrapper makes would leave every verified request to the cyclic collector.
    token = new_session()["access"]
    fastpath.get_session(cookie_for(token)())  # cached: the next call is the common case
    gc.disable()
    try:
        request = cookie_for(token)()
        session = fastpath.get_session(request)
        assert session is not None
        assert request.supertokens is session
        alive = weakref.ref(request)
        del request
        assert alive() is None
        # The session stays usable: its SDK calls only queue cookie writes through the
        # wrapper, which reads the request when the response is written.
        assert session.get_user_id()
        session.sync_merge_into_access_token_payload({"theme": "dark"})
        assert session.get_access_token_payload()["theme"] == "dark"
        assert len(session.response_mutators) == 1
    finally:
        gc.enable()


def test_claim_validators_and_overrides_go_to_the_sdk(
    new_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = new_session()["access"]
    recipe = SessionRecipe.get_instance()
    claim = PrimitiveClaim("st-test-role", lambda *_args: "viewer")
    monkeypatch.setattr(
        recipe, "claim_validators_added_by_other_recipes", [claim.validators.has_value("admin")]
    )
    assert assert_same(cookie_for(token), fast=False) == ("invalid_claims",)
    # An override is called as the SDK calls it: "no claims here" is decided locally...
    assert_same(cookie_for(token), fast=True, override_global_claim_validators=lambda v, s, c: [])
    # ...keeping the global ones is not, and neither is an async override.
    assert assert_same(
        cookie_for(token), fast=False, override_global_claim_validators=lambda v, s, c: v
    ) == ("invalid_claims",)

    async def no_claims(*_args: Any) -> list[Any]:
        return []

    result = assert_same(cookie_for(token), fast=False, override_global_claim_validators=no_claims)
    assert result[0] == "session"
    monkeypatch.undo()

    impl = recipe.recipe_implementation
    original = impl.get_session

    async def overridden(*args: Any, **kwargs: Any) -> Any:
        return await original(*args, **kwargs)

    # On the instance, as an override function does; undo removes it again.
    monkeypatch.setitem(vars(impl), "get_session", overridden)
    assert_same(cookie_for(token), fast=False)
    monkeypatch.undo()
    assert "get_session" not in vars(impl)
    assert_same(cookie_for(token), fast=True)


def test_cache_follows_the_sdk_key_set(new_session: Any) -> None:
    token = new_session()["access"]
    assert_same(cookie_for(token), fast=True)
    # A new key-set object (e.g. after a refetch) invalidates every cached result.
    old = jwks.cached_keys
    assert old is not None
    jwks.cached_keys = jwks.CachedKeys(old.keys, old.refresh_interval_sec)
    try:
        assert_same(cookie_for(token), fast=True)
        # A stale key set is the SDK's to refresh: the fast path steps aside.
        jwks.cached_keys.last_refresh_time = 0
        assert fast_outcome(cookie_for(token)) == ("undecided",)
    finally:
        jwks.cached_keys = old


def test_cache_is_bounded(new_session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "MAX_ENTRIES", 2)
    tokens = [new_session()["access"] for _ in range(3)]
    for token in tokens:
        assert fastpath.get_session(cookie_for(token)()) is not None
    assert len(fastpath._cache) == 2
    assert tokens[0] not in fastpath._cache


# -- forged with the emulated core's own keys ------------------------------------------------


def emulator_signed(emulator: Any, claims: dict[str, Any], **header: Any) -> str:
    import jwt

    key = emulator.keys.current
    headers = {"typ": "JWT", "version": "5", "kid": key.kid, **header}
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers=headers)


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_token(new_session: Any, emulator: Any) -> None:
    expired = emulator.expired_access_token(new_session()["access"])
    assert assert_same(cookie_for(expired), fast=False) == ("try_refresh",)


@pytest.mark.emulator_only(reason="signs a 2-second token with the emulator's key")
def test_expiry_is_honoured_to_the_second_after_caching(emulator: Any) -> None:
    now = int(time.time())
    token = emulator_signed(emulator, fresh_claims(iat=now, exp=now + 2))
    assert_same(cookie_for(token), fast=True)
    time.sleep(max(0.0, now + 2 - time.time()) + 0.05)
    assert assert_same(cookie_for(token), fast=False) == ("try_refresh",)


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        pytest.param({"rsub": ...}, ("unauthorised", False), id="missing-rsub"),
        pytest.param({"tId": ...}, ("unauthorised", False), id="missing-tId"),
        pytest.param({"sessionHandle": ...}, ("unauthorised", False), id="missing-handle"),
        pytest.param({"sub": 42}, ("unauthorised", False), id="numeric-sub"),
        pytest.param({"stt": 1}, ("unauthorised", False), id="not-an-access-token"),
        pytest.param({"iat": int(time.time()) + 3600}, ("try_refresh",), id="future-iat"),
        pytest.param({"nbf": int(time.time()) + 3600}, ("try_refresh",), id="future-nbf"),
        pytest.param({"aud": "someone"}, ("try_refresh",), id="audience"),
        pytest.param({"exp": "soon"}, ("unauthorised", False), id="string-exp"),
        pytest.param({"parentRefreshTokenHash1": ""}, None, id="empty-parent-hash"),
    ],
)
def test_forged_claims(emulator: Any, claims: dict[str, Any], expected: Any) -> None:
    token = emulator_signed(emulator, fresh_claims(**claims))
    result = assert_same(cookie_for(token), fast=False)
    if expected is not None:
        assert result == expected


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": time.time() + 3600.5}, id="float-exp"),
        pytest.param({"sub": "  padded  ", "rsub": " r "}, id="padded-ids"),
        pytest.param({"stt": 0, "custom": {"x": [1, "y"]}}, id="stt-zero"),
        pytest.param({"tId": "tenant-b"}, id="other-tenant"),
    ],
)
def test_forged_but_valid_claims_are_accepted_identically(
    emulator: Any, claims: dict[str, Any]
) -> None:
    token = emulator_signed(emulator, fresh_claims(**claims))
    assert_same(cookie_for(token), fast=True)


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
def test_header_variants(emulator: Any) -> None:
    claims = fresh_claims()
    static = emulator.keys.static
    import jwt

    static_token = jwt.encode(
        claims,
        static.private_key,
        algorithm="RS256",
        headers={"typ": "JWT", "version": "5", "kid": static.kid},
    )
    # The kid prefix must match use_dynamic_access_token_signing_key (True by default).
    assert assert_same(cookie_for(static_token), fast=False) == ("try_refresh",)
    v4 = emulator_signed(emulator, {k: v for k, v in claims.items() if k != "rsub"}, version="4")
    assert_same(cookie_for(v4), fast=True)
    v2 = emulator_signed(emulator, claims, version="2")
    assert assert_same(cookie_for(v2), fast=False) == ("unauthorised", False)


@pytest.mark.emulator_only(reason="rotates and drops the emulator's signing keys")
def test_rotated_and_dropped_keys(new_session: Any, emulator: Any) -> None:
    old_token = new_session()["access"]
    assert_same(cookie_for(old_token), fast=True)
    emulator.rotate_keys()
    emulator.drop_old_keys()
    time.sleep(0.6)  # past the SDK's refetch cool-down
    # A token with the new kid makes the SDK refetch (the fast path never fetches, so it
    # declines until then); the old kid is gone from that key set.
    new_token = new_session()["access"]
    assert fast_outcome(cookie_for(new_token)) == ("undecided",)
    assert sdk_outcome(cookie_for(new_token))[0] == "session"
    assert_same(cookie_for(new_token), fast=True)
    time.sleep(0.6)
    assert assert_same(cookie_for(old_token), fast=False) == ("try_refresh",)


@pytest.mark.emulator_only(reason="counts the emulated core's request log")
def test_no_core_calls_per_verified_request_after_warm_up(new_session: Any, emulator: Any) -> None:
    token = new_session()["access"]
    assert fastpath.get_session(cookie_for(token)()) is not None
    emulator.reset_log()
    for _ in range(50):
        assert fastpath.get_session(cookie_for(token)()) is not None
        assert get_session(cookie_for(token)()) is not None
    assert emulator.calls() == 0


def test_kid_prefix_rule_is_checked_on_every_use(
    new_session: Any, monkeypatch: pytest.MonkeyPatch, session_config: Any
) -> None:
    token = new_session()["access"]
    assert_same(cookie_for(token), fast=True)  # now cached
    monkeypatch.setattr(session_config, "use_dynamic_access_token_signing_key", False)
    assert assert_same(cookie_for(token), fast=False) == ("try_refresh",)


# -- rejections decided locally: only where the SDK's answer is certain ----------------------


def decided(build: Callable[[], Any], **kwargs: Any) -> tuple[Any, ...]:
    request = build()
    result = fastpath.decide(request, **kwargs)
    if result is None:
        return ("undecided",)
    if isinstance(result, str):
        return (result,)
    return describe(result, request)


def sdk_error(build: Callable[[], Any], **kwargs: Any) -> Exception | None:
    try:
        get_session(build(), **kwargs)
    except Exception as exc:
        return exc
    return None


def assert_rejected_alike(build: Callable[[], Any], decision: str, **kwargs: Any) -> None:
    """``decide`` names the rejection; the SDK rejects alike and queues nothing on the response."""
    assert decided(build, **kwargs) == (decision,)
    expected = {fastpath.EXPIRED: ("try_refresh",), fastpath.NO_TOKEN: ("unauthorised", False)}
    if decision == fastpath.NO_TOKEN and kwargs.get("session_required") is False:
        assert sdk_outcome(build, **kwargs) == ("none",)
        return
    assert sdk_outcome(build, **kwargs) == expected[decision]
    error = sdk_error(build, **kwargs)
    assert error is not None
    assert error.response_mutators == []  # type: ignore[attr-defined]


def test_no_token_is_decided_locally(new_session: Any) -> None:
    assert_rejected_alike(lambda: make_request(), fastpath.NO_TOKEN)
    assert_rejected_alike(lambda: make_request(), fastpath.NO_TOKEN, session_required=False)
    assert_rejected_alike(lambda: make_request(), fastpath.NO_TOKEN, check_database=True)
    assert_rejected_alike(lambda: make_request("post"), fastpath.NO_TOKEN)
    token = new_session()["access"]
    # Cookies that are not the access token, even one whose name decodes to it, are no token.
    for cookie in ("a=1; b=2", f"%73AccessToken={token}", f"sRefreshToken={token}"):
        assert_rejected_alike(lambda c=cookie: make_request(cookie=c), fastpath.NO_TOKEN)  # type: ignore[misc]
    # A legacy cookie or any Authorization header: the SDK's to judge.
    assert decided(lambda: make_request(cookie="sIdRefreshToken=x")) == ("undecided",)
    assert sdk_outcome(lambda: make_request(cookie="sIdRefreshToken=x")) == ("try_refresh",)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert decided(lambda: make_request(**bearer)) == ("undecided",)


def test_no_token_in_the_via_custom_header_mode(
    monkeypatch: pytest.MonkeyPatch, session_config: Any
) -> None:
    # Without a token the SDK checks no anti-CSRF header, whatever the mode.
    monkeypatch.setattr(session_config, "anti_csrf_function_or_string", "VIA_CUSTOM_HEADER")
    assert_rejected_alike(lambda: make_request("post"), fastpath.NO_TOKEN)


def test_garbage_and_overridden_recipes_stay_with_the_sdk(new_session: Any) -> None:
    assert decided(cookie_for("not-a-jwt")) == ("undecided",)
    impl = SessionRecipe.get_instance().recipe_implementation
    original = impl.get_session

    async def overridden(*args: Any, **kwargs: Any) -> Any:
        return await original(*args, **kwargs)

    vars(impl)["get_session"] = overridden
    try:
        assert decided(lambda: make_request()) == ("undecided",)
    finally:
        del vars(impl)["get_session"]


@pytest.mark.emulator_only(reason="expires the access token through the emulator")
def test_expired_tokens_are_decided_locally(new_session: Any, emulator: Any) -> None:
    expired = emulator.expired_access_token(new_session()["access"])
    assert_rejected_alike(cookie_for(expired), fastpath.EXPIRED)
    assert_rejected_alike(cookie_for(expired), fastpath.EXPIRED, session_required=False)
    assert_rejected_alike(
        lambda: make_request("post", cookie=f"sAccessToken={expired}"), fastpath.EXPIRED
    )
    # A bad signature changes nothing: the SDK's answer is "try refresh" either way.
    flipped = expired[:-3] + ("AAA" if expired[-3:] != "AAA" else "BBB")
    assert_rejected_alike(cookie_for(flipped), fastpath.EXPIRED)
    # ... but the expired token is never cached as verified.
    assert expired not in fastpath._cache
    # check_database is the SDK's.
    assert decided(cookie_for(expired), check_database=True) == ("undecided",)
    assert sdk_outcome(cookie_for(expired), check_database=True) == ("try_refresh",)


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
@pytest.mark.parametrize(
    "exp",
    [
        pytest.param(lambda now: now - 1, id="a-second-ago"),
        pytest.param(lambda now: now - 0.5, id="float"),
        pytest.param(lambda now: 0, id="zero"),
    ],
)
def test_forged_expired_tokens(emulator: Any, exp: Callable[[float], float]) -> None:
    now = time.time()
    token = emulator_signed(emulator, fresh_claims(iat=int(now) - 60, exp=exp(now)))
    assert_rejected_alike(cookie_for(token), fastpath.EXPIRED)


@pytest.mark.emulator_only(reason="signs tokens with the emulator's private key")
def test_expired_tokens_the_sdk_must_judge(emulator: Any, new_session: Any) -> None:
    past = int(time.time()) - 10
    # A string exp: the SDK refuses its structure (unauthorised), not its age.
    as_text = emulator_signed(emulator, fresh_claims(iat=past - 60, exp=str(past)))
    assert decided(cookie_for(as_text)) == ("undecided",)
    # An unknown kid makes the SDK fetch keys first (where an outage would answer instead).
    header, payload, _ = segments(new_session()["access"])
    header["kid"] = f"d-{uuid.uuid4()}"
    unknown = sign_with_own_key(header, {**payload, "exp": past})
    assert decided(cookie_for(unknown)) == ("undecided",)
    # A v2 token takes the SDK's legacy path.
    v2 = emulator_signed(emulator, fresh_claims(iat=past - 60, exp=past), version="2")
    assert decided(cookie_for(v2)) == ("undecided",)


@pytest.mark.emulator_only(reason="signs a 2-second token with the emulator's key")
def test_a_cached_token_is_rejected_locally_once_it_expires(emulator: Any) -> None:
    now = int(time.time())
    token = emulator_signed(emulator, fresh_claims(iat=now, exp=now + 2))
    assert_same(cookie_for(token), fast=True)
    assert token in fastpath._cache
    time.sleep(max(0.0, now + 2 - time.time()) + 0.05)
    assert_rejected_alike(cookie_for(token), fastpath.EXPIRED)
