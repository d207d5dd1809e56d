"""``python manage.py demo``: the example, offline, in one command.

Starts the emulated SuperTokens core (unless ``SUPERTOKENS_CONNECTION_URI`` names a real one), then
serves the example with runserver (WSGI) or uvicorn (``--asgi``) until Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Copied from npm by scripts/vendor_htmx.py (bootstrap, `make demo`).
HTMX = Path("pages", "static", "vendor", "htmx.org", "htmx.min.js")


class Command(BaseCommand):
    help = "Run the example against the emulated core (or SUPERTOKENS_CONNECTION_URI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--asgi", action="store_true", help="serve with uvicorn (ASGI)")
        parser.add_argument(
            "--core-port",
            type=int,
            default=None,
            help="port of the emulated core (default: the one in SUPERTOKENS['CONNECTION_URI'])",
        )
        parser.add_argument(
            "--access-token-validity",
            type=int,
            default=30,
            help="seconds an access token of the emulated core lives (default 30)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The dashboard's htmx is a generated copy (never committed): say how to make it.
        if not (settings.BASE_DIR / HTMX).is_file():
            raise CommandError(
                f"{HTMX} is missing: run `python scripts/vendor_htmx.py` in the repository "
                "(`make demo` does)."
            )
        # The Django side of the accounts (user rows, orders) lives in SQLite: ready it first.
        call_command("migrate", interactive=False, verbosity=0)
        site_url = f"http://{options['addr']}:{options['port']}"
        self.check_port_free(options["addr"], options["port"])
        env = {**os.environ, "EXAMPLE_SITE_URL": site_url}
        core = None
        if os.environ.get("SUPERTOKENS_CONNECTION_URI"):
            core_line = f"SuperTokens core: {os.environ['SUPERTOKENS_CONNECTION_URI']}"
        else:
            core = self.start_emulated_core(options["core_port"], options["access_token_validity"])
            env["SUPERTOKENS_CONNECTION_URI"] = core.url
            core_line = (
                f"SuperTokens core: emulated, in memory, at {core.url} "
                f"(access tokens live {options['access_token_validity']} s)"
            )

        # A plain `kill` should stop the server and the core too, like Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        server = subprocess.Popen(self.server_command(options), cwd=settings.BASE_DIR, env=env)
        try:
            self.wait_until_serving(site_url, server)
            kind = "uvicorn (ASGI)" if options["asgi"] else "runserver (WSGI)"
            mode = settings.SUPERTOKENS.get("REFRESH_MODE", "server")
            self.stdout.write(
                self.style.SUCCESS(f"\nOpen {site_url}/ in your browser.")
                + f"\n{core_line}\nRefresh mode: {mode} (ST_REFRESH_MODE=server|page)."
                + f"\nServer: {kind}. Stop with Ctrl-C.\n"
            )
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()  # also on SystemExit from SIGTERM
            server.wait(timeout=10)
            if core is not None:
                core.stop()

    def check_port_free(self, addr: str, port: int) -> None:
        """Fail with the fix in the message, before the server fails with a traceback."""
        with socket.socket() as sock:
            # As runserver and uvicorn bind: a port left in TIME_WAIT is still usable.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((addr, port))
            except OSError as exc:
                raise CommandError(
                    f"Port {port} on {addr} is in use ({exc.strerror}): another demo or "
                    f"runserver? Pick another one: `PORT={port + 1} make demo` or "
                    f"`python manage.py demo --port {port + 1}`."
                ) from exc

    def start_emulated_core(self, port: int | None, access_token_validity: int) -> Any:
        from django_st_ssr.testing import EmulatedCore

        chosen = port is not None
        if port is None:
            # Where the settings look by default, so a plain `runserver` finds it too.
            port = urlsplit(settings.SUPERTOKENS["CONNECTION_URI"]).port or 3567
        core = EmulatedCore(port=port, access_token_validity=access_token_validity)
        try:
            return core.start()
        except OSError as exc:
            if chosen:
                raise CommandError(
                    f"Cannot start the emulated core on port {port}: {exc.strerror or exc}. "
                    "Choose a free port with --core-port N, or leave --core-port out to take "
                    "any free one."
                ) from exc
            busy = exc.strerror or str(exc)
        # The default port is taken (another demo, or a real core): the demo passes the core's
        # URL to the server it starts, so any free port works.
        core = EmulatedCore(port=0, access_token_validity=access_token_validity).start()
        self.stderr.write(
            f"Port {port} is in use ({busy}): the emulated core takes port "
            f"{urlsplit(core.url).port} instead. Choose one with --core-port N."
        )
        return core

    def server_command(self, options: dict[str, Any]) -> list[str]:
        addr, port = options["addr"], str(options["port"])
        if options["asgi"]:
            app = "example_project.asgi:application"
            return [
                sys.executable,
                "-m",
                "uvicorn",
                app,
                "--host",
                addr,
                "--port",
                port,
                "--lifespan",
                "off",
            ]
        return [sys.executable, "manage.py", "runserver", f"{addr}:{port}", "--noreload"]

    def wait_until_serving(self, site_url: str, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"The server exited with code {server.returncode}.")
            try:
                urllib.request.urlopen(site_url + "/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers; the error page says the rest
            except OSError:
                time.sleep(0.2)
        raise CommandError(f"The server did not answer on {site_url} within 30 s.")
