"""``python -m django_st_ssr.testing``: run the emulated core in the foreground (for demos)."""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence

from .core import EmulatedCore


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m django_st_ssr.testing",
        description="Run an in-memory SuperTokens core for tests and demos (never production).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3567)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--access-token-validity", type=int, default=3600, metavar="SECONDS")
    parser.add_argument(
        "--refresh-token-validity", type=int, default=100 * 24 * 3600, metavar="SECONDS"
    )
    parser.add_argument(
        "--signing-key-rotation-interval",
        type=float,
        default=168 * 3600,
        metavar="SECONDS",
        help="seconds between new dynamic signing keys (default: 168 hours, like the real core)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    core = EmulatedCore(
        port=args.port,
        api_key=args.api_key,
        access_token_validity=args.access_token_validity,
        refresh_token_validity=args.refresh_token_validity,
        host=args.host,
        signing_key_rotation_interval=args.signing_key_rotation_interval,
    ).start()
    print(f"Emulated SuperTokens core at {core.url} (Ctrl+C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        core.stop()


if __name__ == "__main__":
    main()
