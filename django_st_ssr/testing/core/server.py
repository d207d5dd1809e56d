"""The HTTP side of the emulated core: server thread, routing, api-key, faults, request log."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from .keys import DEFAULT_ROTATION_INTERVAL, KeyRing
from .recipes import EmailVerificationStore, MetadataStore, RoleStore
from .sessions import CoreError, SessionStore
from .users import UserStore

logger = logging.getLogger("django_st_ssr.testing")

CDI_VERSIONS = ["5.0", "5.1", "5.2", "5.3", "5.4"]
# Top-level path segments; anything else in first position is a tenant id ("/public/recipe/...").
_ROOTS = {"recipe", "user", "users", "apiversion", "hello", ".well-known"}
# The real core answers only these without an api-key (the SDK sends none for the JWKS).
_OPEN_PATHS = {"/hello", "/.well-known/jwks.json"}

Body = dict[str, Any]
Query = dict[str, str]
Handler = Callable[[str, Query, Body], Body]

_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Route:
    """A handler and the input the real core checks before running it."""

    handler: Handler
    body: dict[str, str] = field(default_factory=dict)  # JSON field -> type (see _JSON_TYPES)
    query: set[str] = field(default_factory=set)  # required query parameters

    def invalid_input(self, query: Query, body: Body) -> str | None:
        """The real core's 400 message for the first bad field, or None."""
        for name in sorted(self.query):
            if name not in query:
                return f"Field name '{name}' is missing in GET request"
        for name, kind in self.body.items():
            value = body.get(name)
            if value is None and kind.endswith("?"):
                continue
            if value is None or not _JSON_TYPES[kind.rstrip("?")](value):
                return f"Field name '{name}' is invalid in JSON input"
        return None


def parse_query(query: str) -> Query:
    """Query parameters; one with a malformed %-escape is dropped (the real core's server does)."""
    params: Query = {}
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if _BAD_ESCAPE.search(name) or _BAD_ESCAPE.search(value):
            continue
        params.setdefault(unquote(name.replace("+", " ")), unquote(value.replace("+", " ")))
    return params


def _api_key_of(headers: Any) -> str | None:
    key = headers.get("api-key")
    if key is not None:
        return str(key).strip()  # the real core trims it
    scheme, _, token = str(headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _truthy(value: str | None) -> bool:
    return (value or "").lower() == "true"


def split_tenant(path: str) -> tuple[str, str]:
    """``/public/recipe/signup`` -> (``public``, ``/recipe/signup``); the app prefix is dropped."""
    parts = path.strip("/").split("/")
    if parts and parts[0].startswith("appid-"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] not in _ROOTS:
        return parts[0], "/" + "/".join(parts[1:])
    return "public", "/" + "/".join(parts)


class EmulatedCore:
    """An in-memory SuperTokens core speaking CDI 5.4, served from its own thread.

    For tests and demos only: nothing is persisted, nothing is hardened.
    """

    def __init__(
        self,
        port: int = 0,
        api_key: str | None = None,
        access_token_validity: int = 3600,
        refresh_token_validity: int = 100 * 24 * 3600,
        host: str = "127.0.0.1",
        signing_key_rotation_interval: float = DEFAULT_ROTATION_INTERVAL,
    ) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.emulated = True
        self.lock = threading.RLock()
        self.keys = KeyRing(
            signing_key_rotation_interval, access_token_validity=lambda: self.access_token_validity
        )
        self.sessions = SessionStore(self.keys, access_token_validity, refresh_token_validity)
        self.users = UserStore()
        # Bounded, so a long-running demo core does not grow without end; counters are exact.
        self.log: deque[tuple[str, str, int]] = deque(maxlen=10_000)
        self._counts: Counter[str] = Counter()
        self._delays: dict[str, float] = {}
        self._failures: dict[str, list[int]] = {}  # path -> [status, remaining]
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.email_verification = EmailVerificationStore()
        self.roles = RoleStore()
        self.metadata = MetadataStore()
        self.users.is_verified = self.email_verification.is_verified
        self._routes = self._route_table()

    def _route_table(self) -> dict[tuple[str, str], Route]:
        """Every (method, path) served, with the fields the real core checks before anything.

        Field types: ``string``, ``boolean``, ``number``, ``object``, ``array``, ``strings`` (an
        array of strings); a trailing ``?`` makes the field optional (``null`` counts as absent).
        """
        ev, roles, meta, sessions, users = (
            self.email_verification,
            self.roles,
            self.metadata,
            self.sessions,
            self.users,
        )
        return {
            ("GET", "/hello"): Route(lambda t, q, b: {"_text": "Hello"}),
            ("GET", "/apiversion"): Route(lambda t, q, b: {"versions": CDI_VERSIONS}),
            ("GET", "/.well-known/jwks.json"): Route(lambda t, q, b: self.keys.jwks()),
            ("GET", "/recipe/multitenancy/tenant/v2"): Route(self._tenant),
            # -- sessions
            ("POST", "/recipe/session"): Route(
                self._create_session,
                body={
                    "userId": "string",
                    "userDataInJWT": "object",
                    "userDataInDatabase": "object",
                    "enableAntiCsrf": "boolean",
                    "useDynamicSigningKey": "boolean?",
                },
            ),
            ("GET", "/recipe/session"): Route(
                lambda t, q, b: sessions.info(q["sessionHandle"]), query={"sessionHandle"}
            ),
            ("POST", "/recipe/session/verify"): Route(
                lambda t, q, b: sessions.verify(b),
                body={
                    "accessToken": "string",
                    "antiCsrfToken": "string?",
                    "doAntiCsrfCheck": "boolean",
                    "enableAntiCsrf": "boolean",
                    "checkDatabase": "boolean",
                },
            ),
            ("POST", "/recipe/session/refresh"): Route(
                lambda t, q, b: sessions.refresh(b),
                body={
                    "refreshToken": "string",
                    "antiCsrfToken": "string?",
                    "enableAntiCsrf": "boolean",
                    "useDynamicSigningKey": "boolean",
                },
            ),
            ("POST", "/recipe/session/regenerate"): Route(
                lambda t, q, b: sessions.regenerate(b),
                body={"accessToken": "string", "userDataInJWT": "object?"},
            ),
            ("POST", "/recipe/session/remove"): Route(
                self._remove_sessions,
                body={
                    "userId": "string?",
                    "sessionHandles": "strings?",
                    "revokeAcrossAllTenants": "boolean?",
                    "revokeSessionsForLinkedAccounts": "boolean?",
                },
            ),
            ("GET", "/recipe/session/user"): Route(self._session_handles, query={"userId"}),
            ("PUT", "/recipe/session/data"): Route(
                lambda t, q, b: sessions.update_data(b),
                body={"sessionHandle": "string", "userDataInDatabase": "object"},
            ),
            ("PUT", "/recipe/jwt/data"): Route(
                lambda t, q, b: sessions.update_jwt_data(b),
                body={"sessionHandle": "string", "userDataInJWT": "object"},
            ),
            # -- email-password users
            ("POST", "/recipe/signup"): Route(
                lambda t, q, b: users.sign_up(t, b), body={"email": "string", "password": "string"}
            ),
            ("POST", "/recipe/signin"): Route(
                lambda t, q, b: users.sign_in(t, b), body={"email": "string", "password": "string"}
            ),
            ("PUT", "/recipe/user"): Route(
                lambda t, q, b: users.update(b),
                body={"recipeUserId": "string", "email": "string?", "password": "string?"},
            ),
            ("POST", "/recipe/user/password/reset/token"): Route(
                lambda t, q, b: users.create_reset_token(b),
                body={"userId": "string", "email": "string"},
            ),
            ("POST", "/recipe/user/password/reset/token/consume"): Route(
                lambda t, q, b: users.consume_reset_token(b),
                body={"method": "string?", "token": "string"},
            ),
            ("GET", "/user/id"): Route(lambda t, q, b: users.get(q["userId"]), query={"userId"}),
            ("GET", "/users/by-accountinfo"): Route(
                lambda t, q, b: users.by_account_info(t, q.get("email"))
            ),
            ("GET", "/users"): Route(lambda t, q, b: users.list(t, q)),
            ("GET", "/users/count"): Route(lambda t, q, b: users.count(t)),
            ("POST", "/user/remove"): Route(
                self._remove_user, body={"userId": "string", "removeAllLinkedAccounts": "boolean?"}
            ),
            # -- email verification
            ("POST", "/recipe/user/email/verify/token"): Route(
                lambda t, q, b: ev.create_token(t, b), body={"userId": "string", "email": "string"}
            ),
            ("POST", "/recipe/user/email/verify"): Route(
                lambda t, q, b: ev.verify(t, b), body={"method": "string", "token": "string"}
            ),
            ("GET", "/recipe/user/email/verify"): Route(
                lambda t, q, b: ev.is_verified_answer(q), query={"userId", "email"}
            ),
            ("POST", "/recipe/user/email/verify/token/remove"): Route(
                lambda t, q, b: ev.revoke_tokens(t, b), body={"userId": "string", "email": "string"}
            ),
            ("POST", "/recipe/user/email/verify/remove"): Route(
                lambda t, q, b: ev.unverify(b), body={"userId": "string", "email": "string"}
            ),
            # -- user roles and permissions
            ("PUT", "/recipe/role"): Route(
                lambda t, q, b: roles.create_or_add_permissions(b),
                body={"role": "string", "permissions": "strings?"},
            ),
            ("GET", "/recipe/role/permissions"): Route(
                lambda t, q, b: roles.permissions(q), query={"role"}
            ),
            ("POST", "/recipe/role/permissions/remove"): Route(
                lambda t, q, b: roles.remove_permissions(b),
                body={"role": "string", "permissions": "strings?"},
            ),
            ("GET", "/recipe/permission/roles"): Route(
                lambda t, q, b: roles.roles_with_permission(q), query={"permission"}
            ),
            ("POST", "/recipe/role/remove"): Route(
                lambda t, q, b: roles.delete(b), body={"role": "string"}
            ),
            ("GET", "/recipe/roles"): Route(lambda t, q, b: roles.all_roles()),
            ("PUT", "/recipe/user/role"): Route(
                lambda t, q, b: roles.add_to_user(t, b), body={"userId": "string", "role": "string"}
            ),
            ("POST", "/recipe/user/role/remove"): Route(
                lambda t, q, b: roles.remove_from_user(t, b),
                body={"userId": "string", "role": "string"},
            ),
            ("GET", "/recipe/user/roles"): Route(
                lambda t, q, b: roles.roles_of_user(t, q), query={"userId"}
            ),
            ("GET", "/recipe/role/users"): Route(
                lambda t, q, b: roles.users_with_role(t, q), query={"role"}
            ),
            # -- user metadata
            ("GET", "/recipe/user/metadata"): Route(lambda t, q, b: meta.get(q), query={"userId"}),
            ("PUT", "/recipe/user/metadata"): Route(
                lambda t, q, b: meta.update(b),
                body={"userId": "string", "metadataUpdate": "object"},
            ),
            ("POST", "/recipe/user/metadata/remove"): Route(
                lambda t, q, b: meta.remove(b), body={"userId": "string"}
            ),
        }

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatedCore:
        self._serve()
        logger.warning(
            "Emulated SuperTokens core listening on %s: everything is kept in memory; "
            "for tests and demos only, never for production.",
            self.url,
        )
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def down(self) -> None:
        """Refuse connections (the listening socket is closed) until ``up()``."""
        self.stop()

    def up(self) -> None:
        """Listen again on the same port, with all state kept."""
        if self._server is None:
            self._serve()

    def __enter__(self) -> EmulatedCore:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self) -> None:
        server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulated-supertokens-core:{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- controls ------------------------------------------------------------------------------

    @property
    def key_generation(self) -> int:
        """Changes with the key set: the pytest plugin then knows the SDK's JWKS cache is stale."""
        return self.keys.generation

    @property
    def signing_key_rotation_interval(self) -> float:
        """Seconds between dynamic signing keys (the real core's default: 168 hours)."""
        return self.keys.rotation_interval

    @signing_key_rotation_interval.setter
    def signing_key_rotation_interval(self, seconds: float) -> None:
        with self.lock:
            self.keys.rotation_interval = seconds

    @property
    def access_token_validity(self) -> int:
        return self.sessions.access_token_validity

    @access_token_validity.setter
    def access_token_validity(self, seconds: int) -> None:
        self.sessions.access_token_validity = seconds

    @property
    def refresh_token_validity(self) -> int:
        return self.sessions.refresh_token_validity

    @refresh_token_validity.setter
    def refresh_token_validity(self, seconds: int) -> None:
        self.sessions.refresh_token_validity = seconds

    def expired_access_token(self, token: str) -> str:
        """A validly signed copy of ``token`` whose ``exp`` has passed: "expire now", no sleep."""
        with self.lock:
            return self.sessions.expired_copy(token)

    def expire_access_token_cookie(self, client: Any) -> str:
        """Swap the ``sAccessToken`` cookie of a Django test client for its expired copy."""
        morsel = client.cookies.get("sAccessToken")
        if morsel is None or not morsel.value:
            raise ValueError("The client has no sAccessToken cookie to expire.")
        expired = self.expired_access_token(morsel.value)
        morsel.set("sAccessToken", expired, expired)
        return expired

    def expire_all_access_tokens(self) -> None:
        """Make every access token issued so far fail verification ("try refresh"); refresh works.

        Done by replacing the signing keys, so it also clears this process's SDK JWKS cache
        (a core run by the CLI serves another process: restart that app's workers instead).
        """
        with self.lock:
            self.keys.rotate()
            self.keys.drop_old()
        try:
            from supertokens_python.recipe.session.jwks import reset_jwks_cache
        except ImportError:  # pragma: no cover - the SDK is a dependency
            return
        reset_jwks_cache()

    def rotate_keys(self) -> None:
        """Sign new tokens with a new key; the JWKS keeps listing the previous ones."""
        with self.lock:
            self.keys.rotate()

    def drop_old_keys(self) -> None:
        """Remove every key but the current one from the JWKS: older tokens stop verifying."""
        with self.lock:
            self.keys.drop_old()

    def revoke_session(self, handle: str) -> bool:
        with self.lock:
            return bool(self.sessions.remove([handle]))

    def revoke_all_sessions(self) -> int:
        with self.lock:
            return len(self.sessions.remove(list(self.sessions.sessions)))

    def delay(self, path: str, seconds: float) -> None:
        """Answer every call to ``path`` ``seconds`` late (0 removes the delay)."""
        with self.lock:
            if seconds:
                self._delays[path] = seconds
            else:
                self._delays.pop(path, None)

    def fail_next(self, path: str, status: int = 500, times: int = 1) -> None:
        """The next ``times`` calls to ``path`` answer HTTP ``status``."""
        with self.lock:
            self._failures[path] = [status, times]

    def clear_faults(self) -> None:
        with self.lock:
            self._delays.clear()
            self._failures.clear()

    def calls(self, path: str | None = None) -> int:
        """How many requests reached ``path`` (as sent, e.g. ``/public/recipe/session``), or any."""
        with self.lock:
            return sum(self._counts.values()) if path is None else self._counts[path]

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()
            self._counts.clear()

    # -- request handling ----------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: Any, raw_body: bytes
    ) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request; runs on a server thread."""
        url = urlsplit(raw_path)
        path = url.path.rstrip("/") or "/"
        with self.lock:
            self._counts[path] += 1
            delay = self._delays.get(path, 0.0)
            failure = self._failures.get(path)
            forced: int | None = None
            if failure is not None:
                forced, failure[1] = failure[0], failure[1] - 1
                if failure[1] <= 0:
                    del self._failures[path]
        if delay:
            time.sleep(delay)
        if forced is not None:
            status, ctype, body = forced, "text/plain", f"Injected failure {forced}".encode()
        else:
            status, ctype, body = self._answer(method, path, url.query, headers, raw_body)
        with self.lock:
            self.log.append((method, path, status))
        return status, ctype, body

    def _answer(
        self, method: str, path: str, query: str, headers: Any, raw_body: bytes
    ) -> tuple[int, str, bytes]:
        status, result = self._result(method, path, query, headers, raw_body)
        if isinstance(result, str):
            # The real core writes its plain-text answers with println: one trailing newline.
            return status, "text/plain; charset=UTF-8", (result + "\n").encode()
        return status, "application/json; charset=UTF-8", json.dumps(result).encode()

    def _result(
        self, method: str, path: str, query: str, headers: Any, raw_body: bytes
    ) -> tuple[int, str | Body]:
        """(status, a plain-text message or a JSON body) for one request."""
        needs_key = self.api_key is not None and path not in _OPEN_PATHS
        if needs_key and _api_key_of(headers) != self.api_key:
            return 401, "Invalid API key"
        cdi = headers.get("cdi-version")
        if cdi is not None and cdi not in CDI_VERSIONS:
            return 400, f"cdi-version {cdi} not supported"
        tenant, route_path = split_tenant(path)
        route = self._routes.get((method, route_path))
        if route is None:
            if any(p == route_path for _, p in self._routes):
                return 405, "Method not supported"
            message = f"Not found: the emulated core has no {method} {path}"
            return 404, message
        body: Body = {}
        if method != "GET" and (raw_body or route.body):
            try:
                body = json.loads(raw_body)
            except ValueError:
                return 400, "Invalid Json Input"
            if not isinstance(body, dict):
                return 400, "Invalid Json Input"
        params = parse_query(query)
        problem = route.invalid_input(params, body)
        if problem is not None:
            return 400, problem
        try:
            with self.lock:
                result = route.handler(tenant, params, body)
        except CoreError as exc:
            return exc.status, exc.message
        except Exception as exc:  # an emulator bug must show up as loudly as a core crash
            logger.exception("Emulated core failed on %s %s", method, path)
            return 500, f"Internal Error: {exc!r}"
        if "_text" in result:
            return 200, str(result["_text"])
        return 200, result

    def _tenant(self, tenant: str, query: Query, body: Body) -> Body:
        if tenant != "public":
            return {"status": "TENANT_NOT_FOUND_ERROR"}
        return {
            "status": "OK",
            "tenantId": tenant,
            "thirdParty": {"providers": []},
            "coreConfig": {},
        }

    def _create_session(self, tenant: str, query: Query, body: Body) -> Body:
        # Without account linking the primary user id is the recipe user id.
        return self.sessions.create(tenant, body, body["userId"])

    def _session_handles(self, tenant: str, query: Query, body: Body) -> Body:
        user_id = query.get("userId", "")
        across = _truthy(query.get("fetchAcrossAllTenants"))
        handles = self.sessions.handles_for_user(user_id, None if across else tenant)
        return {"status": "OK", "sessionHandles": handles}

    def _remove_sessions(self, tenant: str, query: Query, body: Body) -> Body:
        if body.get("sessionHandles") is not None:
            handles = list(body["sessionHandles"])
        elif body.get("userId") is not None:
            across = bool(body.get("revokeAcrossAllTenants"))
            user_id = body["userId"]
            handles = self.sessions.handles_for_user(user_id, None if across else tenant)
        else:
            raise CoreError(400, "Invalid JSON input - use one of userId or sessionHandles array")
        return {"status": "OK", "sessionHandlesRevoked": self.sessions.remove(handles)}

    def _remove_user(self, tenant: str, query: Query, body: Body) -> Body:
        user_id = body["userId"]
        self.users.remove(user_id)
        self.sessions.remove(self.sessions.handles_for_user(user_id, None))
        for store in (self.email_verification, self.roles, self.metadata):
            store.forget_user(user_id)
        return {"status": "OK"}


def _make_handler(core: EmulatedCore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "EmulatedSuperTokensCore"

        def _respond(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            status, ctype, body = core.handle(self.command, self.path, self.headers, raw_body)
            try:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. timed out on a delayed answer)

        # Every method reaches the routing: one a path does not serve is a 405 (as on a real core).
        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _respond

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is core.log; stderr noise helps nobody

    return Handler
