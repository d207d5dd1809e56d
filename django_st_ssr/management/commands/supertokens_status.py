"""``manage.py supertokens_status``: can this deployment reach its SuperTokens core(s)?

For every configured core (``CONNECTION_URI`` split on ``;``, as the SDK does): reachable or not,
the CDI version the SDK will negotiate, whether the API key is accepted, the JWKS and its key count.
Then the session settings in effect (cookie domain, same-site, secure, token transfer, anti-CSRF).
Exits 1 when anything is wrong, so deploy scripts can gate on it. Never prints the API key.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import RequestFactory

from ...checks import is_emulated_core, unserved_domains
from ...conf import app_settings

# Paths of the core's HTTP API (CDI); the tenant path is one the SDK calls on every sign-in.
APIVERSION_PATH = "/apiversion"
JWKS_PATH = "/.well-known/jwks.json"
TENANT_PATH = "/public/recipe/multitenancy/tenant/v2"
API_KEY_REJECTED = "API key rejected"
API_KEY_MISSING = "API key required, none configured"


@dataclass
class CoreReport:
    uri: str
    reachable: bool = False
    cdi_version: str | None = None
    core_versions: list[str] = field(default_factory=list)
    api_key: str = "not checked"
    emulated: bool = False
    jwks_keys: int | None = None
    problems: list[str] = field(default_factory=list)


def redact_uri(uri: str) -> str:
    """The URI without any user:password part."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def split_connection_uri(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """(HTTP status, body); raises OSError when no HTTP answer came back."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise OSError("the URI must start with http:// or https://")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason) or type(exc).__name__


def _probe_versions_and_key(
    report: CoreReport,
    base: str,
    status: int,
    body: bytes,
    api_key: str | None,
    key_header: dict[str, str],
    timeout: float,
) -> None:
    from supertokens_python.constants import SUPPORTED_CDI_VERSIONS
    from supertokens_python.utils import find_max_version

    try:
        report.core_versions = [str(v) for v in json.loads(body)["versions"]]
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"/apiversion answered HTTP {status} without a version list")
        return
    report.cdi_version = find_max_version(report.core_versions, SUPPORTED_CDI_VERSIONS)
    if report.cdi_version is None:
        report.problems.append(
            "no CDI version in common: the core speaks "
            f"{', '.join(report.core_versions)}, this SDK {', '.join(SUPPORTED_CDI_VERSIONS)}"
        )
        return

    headers = {**key_header, "cdi-version": report.cdi_version, "rid": "multitenancy"}
    try:
        status, _ = _get(base + TENANT_PATH, headers, timeout)
    except OSError as exc:
        report.problems.append(f"{TENANT_PATH}: {_reason(exc)}")
        status = 0
    if status == 200:
        report.api_key = "accepted" if api_key else "not needed"
    elif status == 401:
        report.api_key = API_KEY_REJECTED if api_key else API_KEY_MISSING
        report.problems.append(report.api_key)
    elif status:
        report.api_key = f"unknown (HTTP {status})"
        report.problems.append(f"{TENANT_PATH} answered HTTP {status}")


def probe_core(uri: str, api_key: str | None, timeout: float) -> CoreReport:
    """Ask one core what the SDK will ask it, the way the SDK builds its URLs."""
    from supertokens_python.normalised_url_domain import NormalisedURLDomain
    from supertokens_python.normalised_url_path import NormalisedURLPath

    report = CoreReport(uri=redact_uri(uri))
    try:
        base = NormalisedURLDomain(uri).get_as_string_dangerous()
        base += NormalisedURLPath(uri).get_as_string_dangerous()
    except Exception as exc:  # the SDK raises a bare Exception for a malformed URI
        report.problems.append(f"invalid URI: {exc}")
        return report
    key_header = {"api-key": api_key} if api_key else {}

    try:
        status, body = _get(base + APIVERSION_PATH, key_header, timeout)
    except OSError as exc:
        report.problems.append(f"unreachable: {_reason(exc)}")
        return report
    report.reachable = True
    report.emulated = is_emulated_core(uri, timeout)
    if status == 401:
        # A real core demands the key on everything but /hello and the JWKS.
        report.api_key = API_KEY_REJECTED if api_key else API_KEY_MISSING
        report.problems.append(
            f"{report.api_key} (HTTP 401 on /apiversion): a configuration error, "
            "not an outage; check SUPERTOKENS['API_KEY']"
        )
    else:
        _probe_versions_and_key(report, base, status, body, api_key, key_header, timeout)
    try:
        status, body = _get(base + JWKS_PATH, {}, timeout)
        if status != 200:
            raise OSError(f"HTTP {status}")
        from jwt import PyJWKSet

        report.jwks_keys = len(PyJWKSet.from_dict(json.loads(body)).keys)
        if not report.jwks_keys:
            report.problems.append("the JWKS has no keys: no token can be verified")
    except Exception as exc:  # unreachable, not JSON, or keys PyJWT (as the SDK uses it) rejects
        report.problems.append(f"JWKS not usable: {_reason(exc)}")
    return report


def describe_session(config: Any, app_info: Any) -> tuple[dict[str, str], list[str]]:
    """The SDK's effective session settings for a plain page navigation, and their problems."""
    from supertokens_python.framework.django.django_request import DjangoRequest

    # What the SDK decides for an ordinary browser request with no SuperTokens headers.
    request = DjangoRequest(RequestFactory().get("/"))
    problems: list[str] = []

    def evaluate(value: Any, *args: Any) -> str:
        if not callable(value):
            return str(value)
        try:
            return str(value(request, *args, {}))
        except Exception:  # a user callable may need more of a request than this one has
            return "depends on the request"

    same_site = evaluate(config.get_cookie_same_site)
    transfer = evaluate(config.get_token_transfer_method, True)
    rows = {
        "api domain": app_info.api_domain.get_as_string_dangerous()
        + app_info.api_base_path.get_as_string_dangerous(),
        "website domain": app_info.get_origin(request, {}).get_as_string_dangerous(),
        "cookie domain": config.cookie_domain or "host-only (not set)",
        "cookie same-site": same_site,
        "cookie secure": str(config.cookie_secure),
        "token transfer": transfer,
        "anti-csrf": evaluate(config.anti_csrf_function_or_string),
        "refresh path": config.refresh_token_path.get_as_string_dangerous(),
    }
    if transfer == "header":
        problems.append("token transfer is 'header': server-rendered pages need cookies")
    if same_site == "none" and not config.cookie_secure:
        problems.append("cookie same-site 'none' without secure cookies: browsers drop them")
    return rows, problems


class Command(BaseCommand):
    help = "Check the configured SuperTokens core(s) and show the effective session settings."
    # Diagnosing a broken configuration must work even when system checks fail.
    requires_system_checks: list[str] = []  # noqa: RUF012 (Django's own attribute)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        cores: list[CoreReport] = []
        session: dict[str, str] = {}

        init_error = getattr(apps.get_app_config("django_st_ssr"), "init_error", None)
        if init_error is not None:
            problems.append(f"SuperTokens not initialised: {init_error}")
        try:
            uris = split_connection_uri(str(app_settings.CONNECTION_URI))
            api_key = app_settings.API_KEY or None
            timeout = float(app_settings.CORE_TIMEOUT)
        except (ImproperlyConfigured, TypeError, ValueError) as exc:
            problems.append(str(exc))
            uris, api_key, timeout = [], None, 5.0
        if not uris and not problems:
            problems.append("CONNECTION_URI names no core")
        for uri in uris:
            report = probe_core(uri, api_key, timeout)
            cores.append(report)
            problems.extend(f"{report.uri}: {problem}" for problem in report.problems)

        if init_error is None:
            from supertokens_python import Supertokens
            from supertokens_python.recipe.session.recipe import SessionRecipe

            session, session_problems = describe_session(
                SessionRecipe.get_instance().config, Supertokens.get_instance().app_info
            )
            problems.extend(session_problems)
        session["API key"] = "set (not shown)" if api_key else "not set"
        try:
            refused = unserved_domains()
        except ImproperlyConfigured:
            refused = {}  # already reported
        # Pages reached at another host than APP_INFO names cannot renew their sessions.
        session["served here"] = "yes (ALLOWED_HOSTS)" if not refused else "NO"
        problems.extend(
            f"APP_INFO {key} host {host!r} is not in ALLOWED_HOSTS: this site never serves it, "
            "so the refresh page cannot renew sessions (check django_st_ssr.W005)"
            for key, host in refused.items()
        )

        if options["json"]:
            document = {
                "ok": not problems,
                "cores": [asdict(core) for core in cores],
                "session": session,
                "problems": problems,
            }
            self.stdout.write(json.dumps(document, indent=2))
        else:
            self._write_text(cores, session)
            for problem in problems:
                self.stderr.write(f"problem: {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found", returncode=1)
        if not options["json"]:
            emulated = (
                " (emulated core: tests and demos only)" if any(c.emulated for c in cores) else ""
            )
            self.stdout.write(self.style.SUCCESS(f"SuperTokens: OK{emulated}"))

    def _write_text(self, cores: list[CoreReport], session: dict[str, str]) -> None:
        def row(label: str, value: str, ok: bool = True) -> None:
            style = self.style.SUCCESS if ok else self.style.ERROR
            self.stdout.write(f"  {label:<18}{style(value)}")

        for number, core in enumerate(cores, 1):
            self.stdout.write(self.style.MIGRATE_HEADING(f"Core {number}/{len(cores)}: {core.uri}"))
            row("reachable", "yes" if core.reachable else "NO", core.reachable)
            if not core.reachable:
                continue
            if core.emulated:
                row("kind", "EMULATED: in memory, no authentication (tests and demos only)", False)
            if core.api_key in (API_KEY_REJECTED, API_KEY_MISSING) and not core.core_versions:
                row("CDI version", "not checked (the core wants a valid API key)", False)
            else:
                offered = ", ".join(core.core_versions) or "none"
                row(
                    "CDI version",
                    f"{core.cdi_version or 'NONE'} (core offers {offered})",
                    core.cdi_version is not None,
                )
            row("API key", core.api_key, core.api_key in ("accepted", "not needed"))
            keys = "not usable" if core.jwks_keys is None else f"{core.jwks_keys} key(s)"
            row("JWKS", keys, bool(core.jwks_keys))
        if session:
            self.stdout.write(self.style.MIGRATE_HEADING("Session settings (effective)"))
            for label, value in session.items():
                row(label, value, value != "NO")
