"""Instructions per request, counted by callgrind: ``python bench/run.py --instructions``.

Wall-clock and even CPU time move by 10-20% between runs on a shared machine; the number of
instructions a request executes does not (callgrind counts are repeatable to well under 1%,
whatever else the machine is doing). Each row runs in its own process under
``valgrind --tool=callgrind --instr-atstart=no``, so start-up is never counted. The worker
(bench/worker.py ``--count``) serves the row's requests through Django's WSGIHandler or
ASGIHandler: ``WARM_UP`` iterations uncounted, then ``WINDOW`` counted ones between the marks of
bench/callgrind_marks.c. Per iteration = (Ir after 250 - Ir after 50) / 200 with 30 warm-up
requests before, as issue 16 defines it. Every response's status (and body start) is checked.

Needs valgrind and a C compiler (``apt-get install -y valgrind gcc``); a manual command, not CI.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 30 + 50  # 30 warm-up requests, then the 50 before the first reading
WINDOW = 200  # between the readings after 50 and after 250 counted requests
MARKS = "callgrind_marks.c"


@dataclass(frozen=True)
class Step:
    path: str
    status: int
    body: str = ""
    method: str = "GET"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    variant: str  # bench/settings_<variant>.py
    handler: str  # "wsgi" or "asgi"
    steps: tuple[Step, ...]
    cookie: str  # "valid", "expired", "none", or "session" (a new session per iteration)
    sdk: str | None = None  # key of the SDK row doing the same, for the "ours / SDK" column
    needs: str | None = None  # a module that must exist (rows for work not on this branch yet)
    pending: str = ""  # why the row is declared but not run yet
    carry: bool = False  # keep the cookies responses set, from step to step (a browser)
    # Rows that call the core cost tens of millions of instructions an iteration (the SDK makes
    # a new HTTP client, TLS context included, per call): fewer iterations keep them in minutes.
    warm_up: int = WARM_UP
    window: int = WINDOW


USER = "{user}"  # replaced by the session's user id in bodies

ROWS = [
    Row("bare", "bare view, no middleware", "bare", "wsgi", (Step("/bare/", 200, "ok"),), "none"),
    Row(
        "unprotected",
        "bare view + our middleware",
        "ours",
        "wsgi",
        (Step("/bare/", 200, "ok"),),
        "valid",
    ),
    Row(
        "valid",
        "@ssr_session_required, valid token",
        "ours",
        "wsgi",
        (Step("/protected/", 200, USER),),
        "valid",
        sdk="sdk-valid",
    ),
    Row(
        "expired",
        "@ssr_session_required, expired token -> 302",
        "ours",
        "wsgi",
        (Step("/protected/", 302),),
        "expired",
        sdk="sdk-expired",
    ),
    Row(
        "none",
        "@ssr_session_required, no cookie -> 302",
        "ours",
        "wsgi",
        (Step("/protected/", 302),),
        "none",
        sdk="sdk-none",
    ),
    Row(
        "sdk-valid",
        "SDK middleware + verify_session, valid",
        "sdk",
        "wsgi",
        (Step("/protected/", 200, USER),),
        "valid",
    ),
    Row(
        "sdk-expired",
        "SDK middleware + verify_session, expired -> 401",
        "sdk",
        "wsgi",
        (Step("/protected/", 401),),
        "expired",
    ),
    Row(
        "sdk-none",
        "SDK middleware + verify_session, no cookie -> 401",
        "sdk",
        "wsgi",
        (Step("/protected/", 401),),
        "none",
    ),
    # The whole refresh of an expired page: the SDK's way (401, POST refresh, page again)...
    Row(
        "sdk-refresh",
        "SDK: expired page 401, POST refresh, page (3 requests)",
        "sdk",
        "wsgi",
        (
            Step("/protected/", 401),
            Step("/auth/session/refresh", 200, method="POST"),
            Step("/protected/", 200, USER),
        ),
        "session",
        carry=True,
        warm_up=3,
        window=10,
    ),
    # ...and ours, once the server-side refresh (GET at the refresh path) is on this branch.
    Row(
        "refresh",
        "ours: expired page 302, GET refresh 302, page (3 requests)",
        "ours",
        "wsgi",
        (
            Step("/protected/", 302),
            Step("/auth/session/refresh?redirectBack=%2Fprotected%2F", 302),
            Step("/protected/", 200, USER),
        ),
        "session",
        sdk="sdk-refresh",
        needs="django_st_ssr.refresh",
        carry=True,
        warm_up=3,
        window=10,
    ),
    # Django's auth on the session (bench/settings_auth.py: SQLite, a known user).
    Row(
        "user",
        "@login_required reading request.user",
        "auth",
        "wsgi",
        (Step("/user/", 200, USER),),
        "valid",
        needs="django_st_ssr.auth",
    ),
    Row(
        "drf",
        "DRF endpoint, valid token",
        "ours",
        "wsgi",
        (Step("/api/drf/", 200),),
        "valid",
        needs="django_st_ssr.contrib.drf",
        pending="no DRF view in bench/urls_ours.py yet",
    ),
    Row("abare", "ASGI: bare async view", "bare", "asgi", (Step("/abare/", 200, "ok"),), "none"),
    Row(
        "aunprotected",
        "ASGI: async view + our middleware",
        "ours",
        "asgi",
        (Step("/abare/", 200, "ok"),),
        "valid",
    ),
    Row(
        "avalid",
        "ASGI: @ssr_session_required async, valid",
        "ours",
        "asgi",
        (Step("/aprotected/", 200, USER),),
        "valid",
        sdk="asdk-valid",
    ),
    Row(
        "asdk-valid",
        "ASGI: SDK middleware + verify_session, valid",
        "sdk",
        "asgi",
        (Step("/aprotected/", 200, USER),),
        "valid",
    ),
]
BARE = {"wsgi": "bare", "asgi": "abare"}


def build_marks(directory: Path) -> Path:
    """Compile bench/callgrind_marks.c (valgrind's header, any C compiler)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind and a C compiler: apt-get install -y valgrind gcc")
    library = directory / "callgrind_marks.so"
    subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(ROOT / "bench" / MARKS)],
        check=True,
    )
    return library


def cookies_for(row: Row, core: Any, tokens: dict[str, str]) -> tuple[list[str], str]:
    """The Cookie header of each iteration, and the user id the protected views answer."""
    from bench.run import new_access_token

    if row.cookie == "none":
        return [""], ""
    if row.cookie == "session":
        # Every iteration refreshes, which rotates the refresh token: each needs its own session
        # (and user, so the page's body is checked for the prefix only).
        cookies = []
        for _ in range(row.warm_up + row.window):
            _user_id, access, refresh = new_session(core)
            cookies.append(
                f"sAccessToken={core.expired_access_token(access)}; sRefreshToken={refresh}"
            )
        return cookies, "bench-"
    if "valid" not in tokens:
        tokens["user"], tokens["valid"] = new_access_token(core)
        tokens["expired"] = core.expired_access_token(tokens["valid"])
    return [f"sAccessToken={tokens[row.cookie]}"], tokens["user"]


def new_session(core: Any) -> tuple[str, str, str]:
    import uuid

    user_id = f"bench-{uuid.uuid4()}"
    body = {
        "userId": user_id,
        "userDataInJWT": {"iss": "http://localhost:8000/auth"},
        "userDataInDatabase": {},
        "useDynamicSigningKey": True,
        "enableAntiCsrf": False,
    }
    with core.lock:
        created = core.sessions.create("public", body, user_id)
    return user_id, created["accessToken"]["token"], created["refreshToken"]["token"]


def count_row(row: Row, core: Any, marks: Path, directory: Path, tokens: dict[str, str]) -> float:
    """Instructions per iteration of ``row``, in a fresh process under callgrind."""
    from bench.run import environment

    cookies, user_id = cookies_for(row, core, tokens)
    spec = {
        "marks": str(marks),
        "handler": row.handler,
        "steps": [{**vars(step), "body": step.body.replace(USER, user_id)} for step in row.steps],
        "cookies": cookies,
        "carry": row.carry,
        "warm_up": row.warm_up,
        "window": row.window,
    }
    out = directory / f"{row.key}.out"
    env = environment(core.url, row.variant)
    env["PYTHONHASHSEED"] = "0"  # the same dict and set layouts in every run
    env["BENCH_CORE_TIMEOUT"] = "300"  # core calls (the refresh rows) are slow under callgrind
    spec_file = directory / f"{row.key}.json"
    spec_file.write_text(json.dumps(spec))
    done = subprocess.run(
        [
            *("valgrind", "--tool=callgrind", "--instr-atstart=no"),
            f"--callgrind-out-file={out}",
            *(sys.executable, str(ROOT / "bench" / "worker.py"), "--count", f"@{spec_file}"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"row {row.key} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if answer["checked"] != (row.warm_up + row.window) * len(row.steps):
        raise RuntimeError(f"row {row.key}: {answer['checked']} responses checked")
    return total_instructions(Path(f"{out}.1")) / row.window


def total_instructions(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


def available(row: Row) -> bool:
    if row.pending:
        return False
    if row.needs is None:
        return True
    try:
        return importlib.util.find_spec(row.needs) is not None
    except ModuleNotFoundError:
        return False


def print_table(rows: list[Row], counts: dict[str, float]) -> None:
    headers = ("request", "instructions", "x bare", "SDK doing the same", "ours / SDK")
    lines = []
    for row in rows:
        if row.key not in counts:
            lines.append((row.label, f"(pending: {row.pending or row.needs})", "", "", ""))
            continue
        ir = counts[row.key]
        bare = counts[BARE[row.handler]]
        ratio = f"{ir / bare:.2f}" if len(row.steps) == 1 else ""
        sdk = counts.get(row.sdk or "")
        lines.append(
            (
                row.label,
                f"{ir / 1000:,.0f}k",
                ratio,
                f"{sdk / 1000:,.0f}k" if sdk else "",
                f"{ir / sdk:.2f}" if sdk else "",
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    rule = "  ".join("=" * w for w in widths)
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(rule)
    for line in lines:
        cells = [line[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(line[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
    print(rule)


def main(only: list[str] | None = None) -> None:
    from django_st_ssr.testing import EmulatedCore

    rows = [row for row in ROWS if not only or row.key in only or row.key in BARE.values()]
    started = time.monotonic()
    core = EmulatedCore().start()
    if any(row.variant == "auth" for row in rows):
        from bench.run import migrate_auth_database

        migrate_auth_database(core.url)
    counts: dict[str, float] = {}
    tokens: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
            directory = Path(tmp)
            marks = build_marks(directory)
            for row in rows:
                if not available(row):
                    continue
                counts[row.key] = count_row(row, core, marks, directory, tokens)
                print(f"  {row.key}: {counts[row.key]:,.0f}", file=sys.stderr, flush=True)
    finally:
        core.stop()
    print(
        f"\nInstructions per request (callgrind Ir; (Ir after {WARM_UP - 30 + WINDOW} - Ir after "
        f"{WARM_UP - 30}) / {WINDOW}, after 30 warm-up requests, each row its own process)\n"
    )
    print_table(rows, counts)
    print(f"\n{time.monotonic() - started:.0f} s")
