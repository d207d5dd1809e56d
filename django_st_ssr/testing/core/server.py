"""The HTTP side of the emulated core: server thread, routing, api-key, faults, request log."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from .keys import KeyRing
from .sessions import SessionStore
from .users import UserStore

logger = logging.getLogger("django_st_ssr.testing")

CDI_VERSIONS = ["5.0", "5.1", "5.2", "5.3", "5.4"]
# Top-level path segments; anything else in first position is a tenant id ("/public/recipe/...").
_ROOTS = {"recipe", "user", "users", "apiversion", "hello", ".well-known"}
# The real core answers these without an api-key (the SDK sends none for the JWKS).
_OPEN_PATHS = {"/hello", "/apiversion", "/.well-known/jwks.json"}

Body = dict[str, Any]
Query = dict[str, str]
Handler = Callable[[str, Query, Body], Body]


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
    ) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.emulated = True
        self.lock = threading.RLock()
        self.keys = KeyRing()
        self.sessions = SessionStore(self.keys, access_token_validity, refresh_token_validity)
        self.users = UserStore()
        # Bounded, so a long-running demo core does not grow without end; counters are exact.
        self.log: deque[tuple[str, str, int]] = deque(maxlen=10_000)
        # Bumped by rotate/drop, so the pytest plugin knows when the SDK's JWKS cache went stale.
        self.key_generation = 0
        self._counts: Counter[str] = Counter()
        self._delays: dict[str, float] = {}
        self._failures: dict[str, list[int]] = {}  # path -> [status, remaining]
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes: dict[tuple[str, str], Handler] = {
            ("GET", "/hello"): lambda t, q, b: {"_text": "Hello\n"},
            ("GET", "/apiversion"): lambda t, q, b: {"versions": CDI_VERSIONS},
            ("GET", "/.well-known/jwks.json"): lambda t, q, b: self.keys.jwks(),
            ("GET", "/recipe/multitenancy/tenant/v2"): self._tenant,
            ("POST", "/recipe/session"): self._create_session,
            ("GET", "/recipe/session"): lambda t, q, b: self.sessions.info(q.get("sessionHandle")),
            ("POST", "/recipe/session/verify"): lambda t, q, b: self.sessions.verify(b),
            ("POST", "/recipe/session/refresh"): lambda t, q, b: self.sessions.refresh(b),
            ("POST", "/recipe/session/regenerate"): lambda t, q, b: self.sessions.regenerate(b),
            ("POST", "/recipe/session/remove"): self._remove_sessions,
            ("GET", "/recipe/session/user"): self._session_handles,
            ("PUT", "/recipe/session/data"): lambda t, q, b: self.sessions.update_data(b),
            ("PUT", "/recipe/jwt/data"): lambda t, q, b: self.sessions.update_jwt_data(b),
            ("POST", "/recipe/signup"): lambda t, q, b: self.users.sign_up(t, b),
            ("POST", "/recipe/signin"): lambda t, q, b: self.users.sign_in(t, b),
            ("PUT", "/recipe/user"): lambda t, q, b: self.users.update(b),
            ("POST", "/recipe/user/password/reset/token"): (
                lambda t, q, b: self.users.create_reset_token(b)
            ),
            ("POST", "/recipe/user/password/reset/token/consume"): (
                lambda t, q, b: self.users.consume_reset_token(b)
            ),
            ("GET", "/user/id"): lambda t, q, b: self.users.get(q.get("userId")),
            ("GET", "/users/by-accountinfo"): (
                lambda t, q, b: self.users.by_account_info(t, q.get("email"))
            ),
            ("GET", "/users"): lambda t, q, b: self.users.list(t, q),
            ("GET", "/users/count"): lambda t, q, b: self.users.count(t),
            ("POST", "/user/remove"): self._remove_user,
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
            self.key_generation += 1
        try:
            from supertokens_python.recipe.session.jwks import reset_jwks_cache
        except ImportError:  # pragma: no cover - the SDK is a dependency
            return
        reset_jwks_cache()

    def rotate_keys(self) -> None:
        """Sign new tokens with a new key; the JWKS keeps listing the previous ones."""
        with self.lock:
            self.keys.rotate()
            self.key_generation += 1

    def drop_old_keys(self) -> None:
        """Remove every key but the current one from the JWKS: older tokens stop verifying."""
        with self.lock:
            self.keys.drop_old()
            self.key_generation += 1

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
        needs_key = self.api_key is not None and path not in _OPEN_PATHS
        if needs_key and headers.get("api-key") != self.api_key:
            return 401, "text/plain", b"Invalid API key"
        cdi = headers.get("cdi-version")
        if cdi is not None and cdi not in CDI_VERSIONS:
            return 400, "text/plain", f"cdi-version {cdi} not supported".encode()
        tenant, route = split_tenant(path)
        handler = self._routes.get((method, route))
        if handler is None:
            message = f"Not found: the emulated core has no {method} {path}"
            return 404, "text/plain", message.encode()
        body: Body = {}
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError:
                return 400, "text/plain", b"Invalid Json Input"
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            with self.lock:
                result = handler(tenant, params, body)
        except Exception as exc:  # an emulator bug must show up as loudly as a core crash
            logger.exception("Emulated core failed on %s %s", method, path)
            return 500, "text/plain", f"Internal Error: {exc!r}".encode()
        if "_text" in result:
            return 200, "text/plain", str(result["_text"]).encode()
        return 200, "application/json; charset=utf-8", json.dumps(result).encode()

    def _tenant(self, tenant: str, query: Query, body: Body) -> Body:
        if tenant != "public":
            return {"status": "TENANT_NOT_FOUND_ERROR"}
        return {
            "status": "OK",
            "tenantId": tenant,
            "thirdParty": {"enabled": True, "providers": []},
            "emailPassword": {"enabled": True},
            "passwordless": {"enabled": True},
            "coreConfig": {},
        }

    def _create_session(self, tenant: str, query: Query, body: Body) -> Body:
        # Without account linking the primary user id is the recipe user id.
        return self.sessions.create(tenant, body, str(body.get("userId")))

    def _session_handles(self, tenant: str, query: Query, body: Body) -> Body:
        user_id = query.get("userId", "")
        across = _truthy(query.get("fetchAcrossAllTenants"))
        handles = self.sessions.handles_for_user(user_id, None if across else tenant)
        return {"status": "OK", "sessionHandles": handles}

    def _remove_sessions(self, tenant: str, query: Query, body: Body) -> Body:
        if "sessionHandles" in body:
            handles = [str(h) for h in body.get("sessionHandles") or []]
        else:
            across = bool(body.get("revokeAcrossAllTenants"))
            user_id = str(body.get("userId", ""))
            handles = self.sessions.handles_for_user(user_id, None if across else tenant)
        return {"status": "OK", "sessionHandlesRevoked": self.sessions.remove(handles)}

    def _remove_user(self, tenant: str, query: Query, body: Body) -> Body:
        user_id = str(body.get("userId", ""))
        self.users.remove(user_id)
        self.sessions.remove(self.sessions.handles_for_user(user_id, None))
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
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. timed out on a delayed answer)

        do_GET = do_POST = do_PUT = do_DELETE = _respond

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is core.log; stderr noise helps nobody

    return Handler
