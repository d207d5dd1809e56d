"""Instructions per request, counted by callgrind: ``python bench/run.py --instructions``.

Wall-clock and even CPU time move by 10-20% between runs on a shared machine; the number of
instructions a request executes does not (callgrind counts are repeatable to well under 1%,
whatever else the machine is doing). Each row runs in its own process under
``valgrind --tool=callgrind --instr-atstart=no``, so start-up is never counted. The worker
(bench/worker.py ``--count``) serves the row's requests through Django's WSGIHandler or
ASGIHandler: ``WARM_UP`` iterations uncounted, then ``WINDOW`` counted ones between the marks of
bench/callgrind_marks.c. Per iteration = (Ir after 250 - Ir after 50) / 200 with 30 warm-up
requests before, as issue 16 defines it. Every response's status (and body start) is checked.
The window is counted in blocks (a dump each) to show how much the iterations vary. Rows run
in parallel, as many as there are CPUs (``--jobs``): counts do not depend on the load.

Needs valgrind and a C compiler (``apt-get install -y valgrind gcc``); a manual command, not CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 30 + 50  # 30 warm-up requests, then the 50 before the first reading
WINDOW = 200  # between the readings after 50 and after 250 counted requests
MARKS = "callgrind_marks.c"
BLOCKS = 10  # the window is counted in blocks (at most 10), to show how much iterations vary


HTML = "text/html"
JSON = "application/json"


@dataclass(frozen=True)
class Step:
    path: str
    status: int
    body: str = ""  # the start of the answer's body
    method: str = "GET"
    accept: str = HTML


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    variant: str  # bench/settings_<variant>.py
    steps: tuple[Step, ...]
    # "valid", "expired", "none", "session" (a new session per iteration) or "django" (Django's
    # session cookie of a logged-in user: bench/settings_djauth.py)
    cookie: str
    handler: str = "wsgi"  # or "asgi"
    sdk: str | None = None  # the row doing the same (SDK or Django), for "ours / theirs"
    needs: tuple[str, ...] = ()  # optional packages the row's variant imports
    carry: bool = False  # keep the cookies responses set, from step to step (a browser)
    # Rows that call the core cost hundreds of millions of instructions an iteration (the SDK
    # makes a new HTTP client, TLS context included, per call): fewer iterations keep them short.
    warm_up: int = WARM_UP
    window: int = WINDOW

    @property
    def blocks(self) -> int:
        return min(BLOCKS, self.window)  # a divisor of the window (200 or 30)


USER = "{user}"  # replaced by the session's user id in bodies
API = ("rest_framework", "ninja")  # bench/views_api.py imports both
TRY_REFRESH = '{"message":"try refresh token"}'  # the 401 of DRF's and of the SDK's rendering


def page(key: str, label: str, variant: str, cookie: str, *step: Any, **row: Any) -> Row:
    """A row of one GET, as a browser's navigation (``step``: path, status, body start)."""
    return Row(key, label, variant, (Step(*step),), cookie, **row)


def call(key: str, label: str, variant: str, cookie: str, *step: Any, **row: Any) -> Row:
    """A row of one GET, as the frontend SDK's fetch of an API endpoint."""
    return Row(key, label, variant, (Step(*step, accept=JSON),), cookie, needs=API, **row)


# The whole refresh of an expired page, with a new session per iteration: the SDK's way
# (401, POST refresh, page again) and ours (302 to the refresh path, 302 back, page again).
SDK_REFRESH = (
    Step("/protected/", 401),
    Step("/auth/session/refresh", 200, method="POST"),
    Step("/protected/", 200, USER),
)
REFRESH = (
    Step("/protected/", 302),
    Step("/auth/session/refresh?redirectBack=%2Fprotected%2F", 302),
    Step("/protected/", 200, USER),
)
# An iteration costs about 500M instructions, plus 0, 1 or 2 times about 8M (the freeing of an
# earlier core call's HTTP client and its TLS context, whenever the collector gets to it): 30
# iterations (about 2 minutes) average that out for both stacks alike.
REFRESHING = {"carry": True, "warm_up": 3, "window": 30}
DRF_ME = '{"user":"' + USER  # DRF's JSONRenderer is compact, Ninja's (json.dumps) is not
NINJA_ME = '{"user": "' + USER

ASGI = {"handler": "asgi"}
# fmt: off
ROWS = [
    # key, label, variant, cookie, then the request: path, status, start of the body
    page("bare", "bare view, no middleware", "bare", "none", "/bare/", 200, "ok"),
    page("unprotected", "+ our middleware, unprotected", "ours", "valid", "/bare/", 200, "ok"),
    page("valid", "@ssr_session_required, valid", "ours", "valid", "/protected/", 200, USER,
         sdk="sdk-valid"),
    page("expired", "same, expired token -> 302", "ours", "expired", "/protected/", 302,
         sdk="sdk-expired"),
    page("none", "same, no cookie -> 302", "ours", "none", "/protected/", 302, sdk="sdk-none"),
    page("sdk-valid", "SDK middleware + verify_session", "sdk", "valid", "/protected/", 200, USER),
    page("sdk-expired", "SDK, expired token -> 401", "sdk", "expired", "/protected/", 401),
    page("sdk-none", "SDK, no cookie -> 401", "sdk", "none", "/protected/", 401),
    Row("sdk-refresh", "SDK: expired page 401, POST refresh, page (3 requests)", "sdk",
        SDK_REFRESH, "session", **REFRESHING),
    Row("refresh", "ours: expired page 302, GET refresh 302, page (3 requests)", "ours",
        REFRESH, "session", sdk="sdk-refresh", **REFRESHING),
    # Django's auth on the session (bench/settings_auth.py: SQLite, a known user).
    page("user", "@login_required reading request.user", "auth", "valid", "/user/", 200, USER,
         sdk="django-user"),
    page("django-user", "Django's own: db session + ModelBackend", "djauth", "django", "/user/",
         200, "bench-django"),
    # One small JSON endpoint behind our authentication, and behind the SDK's verify_session.
    call("drf-open", "DRF, no authentication (DRF's own cost)", "api", "valid", "/drf-open/", 200,
         '{"user":null}'),
    call("drf", "DRF, SuperTokensAuthentication", "api", "valid", "/drf/", 200, DRF_ME,
         sdk="sdk-drf"),
    call("drf-expired", "same, expired token -> 401", "api", "expired", "/drf/", 401,
         TRY_REFRESH, sdk="sdk-drf-expired"),
    call("sdk-drf", "DRF, SDK verify_session", "sdkapi", "valid", "/sdk-drf/", 200, DRF_ME),
    call("sdk-drf-expired", "same, expired token -> 401", "sdkapi", "expired", "/sdk-drf/", 401,
         TRY_REFRESH),
    call("ninja", "Ninja, SuperTokensAuth", "api", "valid", "/ninja/me", 200, NINJA_ME,
         sdk="sdk-ninja"),
    call("sdk-ninja", "Ninja, SDK verify_session", "sdkapi", "valid", "/sdk-ninja/me", 200,
         NINJA_ME),
    page("abare", "ASGI: bare async view", "bare", "none", "/abare/", 200, "ok", **ASGI),
    page("aunprotected", "ASGI: + our middleware", "ours", "valid", "/abare/", 200, "ok", **ASGI),
    page("avalid", "ASGI: @ssr_session_required", "ours", "valid", "/aprotected/", 200, USER,
         sdk="asdk-valid", **ASGI),
    page("asdk-valid", "ASGI: SDK verify_session", "sdk", "valid", "/aprotected/", 200, USER,
         **ASGI),
]
# fmt: on
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
    from bench.run import new_session

    if row.cookie == "none":
        return [""], ""
    if row.cookie == "django":
        return [f"sessionid={tokens['django']}"], ""
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
        tokens["user"], tokens["valid"], _refresh = new_session(core)
        tokens["expired"] = core.expired_access_token(tokens["valid"])
    return [f"sAccessToken={tokens[row.cookie]}"], tokens["user"]


@dataclass(frozen=True)
class Count:
    per_iteration: float  # instructions
    spread: float  # (max - min) / mean of the per-iteration counts of the window's blocks
    seconds: float  # the row's run time, start-up included
    by_step: tuple[float, ...] = ()  # a row of several steps: the mean of each step


def count_row(
    row: Row, core_url: str, cookies: list[str], user_id: str, marks: Path, directory: Path
) -> Count:
    """Instructions per iteration of ``row``, in a fresh process under callgrind."""
    from bench.run import environment

    started = time.monotonic()
    spec = {
        "marks": str(marks),
        "handler": row.handler,
        "steps": [{**vars(step), "body": step.body.replace(USER, user_id)} for step in row.steps],
        "cookies": cookies,
        "carry": row.carry,
        "warm_up": row.warm_up,
        "window": row.window,
        "blocks": row.blocks,
    }
    out = directory / f"{row.key}.out"
    env = environment(core_url, row.variant)
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
        timeout=1200,
    )
    if done.returncode != 0:
        raise RuntimeError(f"row {row.key} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if answer["checked"] != (row.warm_up + row.window) * len(row.steps):
        raise RuntimeError(f"row {row.key}: {answer['checked']} responses checked")
    # One dump per block of the window (worker.py), each holding that block's instructions; a
    # row of several steps has one dump per step instead, in order (iteration by iteration).
    steps = len(row.steps)
    if steps > 1:
        dumps = [total_instructions(Path(f"{out}.{n}")) for n in range(1, row.window * steps + 1)]
        by_step = tuple(sum(dumps[k::steps]) / row.window for k in range(steps))
        size = row.window // row.blocks * steps
        blocks = [sum(dumps[i : i + size]) for i in range(0, len(dumps), size)]
    else:
        by_step = ()
        blocks = [total_instructions(Path(f"{out}.{n}")) for n in range(1, row.blocks + 1)]
    per_block = [ir / (row.window / row.blocks) for ir in blocks]
    mean = sum(blocks) / row.window
    spread = (max(per_block) - min(per_block)) / mean
    return Count(mean, spread, time.monotonic() - started, by_step)


def total_instructions(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


def available(row: Row) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in row.needs)


def print_table(rows: list[Row], counts: dict[str, Count]) -> None:
    from bench.run import print_simple_table

    # "Theirs": the SDK doing the same (for request.user: Django's own session and auth).
    headers = ("request", "instructions", "x bare", "SDK or Django", "ours / theirs", "spread")
    lines = []
    for row in rows:
        if row.key not in counts:
            lines.append((row.label, f"(needs {', '.join(row.needs)})", "", "", "", ""))
            continue
        ir = counts[row.key].per_iteration
        bare = counts[BARE[row.handler]].per_iteration
        ratio = f"{ir / bare:.2f}" if len(row.steps) == 1 else ""
        sdk = counts[row.sdk].per_iteration if row.sdk in counts else None
        lines.append(
            (
                row.label,
                f"{ir / 1000:,.0f}k",
                ratio,
                f"{sdk / 1000:,.0f}k" if sdk else "",
                f"{ir / sdk:.2f}" if sdk else "",
                f"{counts[row.key].spread:.1%}",
            )
        )
    print_simple_table(headers, lines, numbers=True)
    for row in rows:
        if row.key in counts and counts[row.key].by_step:
            steps = ", ".join(
                f"{step.method} {step.path} {step.status}: {ir / 1000:,.0f}k"
                for step, ir in zip(row.steps, counts[row.key].by_step, strict=True)
            )
            print(f"  {row.key}, per step: {steps}")


def main(only: list[str] | None = None, jobs: int | None = None, keep: Path | None = None) -> None:
    from django_st_ssr.testing import EmulatedCore

    started = time.monotonic()
    rows = [row for row in ROWS if not only or row.key in only]
    # The bare rows the ratios are to, of the handlers of those rows.
    bare = {BARE[row.handler] for row in rows}
    rows = [row for row in ROWS if row in rows or row.key in bare]
    runnable = [row for row in rows if available(row)]
    # The rows that call the core are the longest: started first, the others fill the CPUs.
    runnable.sort(key=lambda row: row.cookie != "session")
    jobs = jobs or os.cpu_count() or 1
    core = EmulatedCore().start()
    counts: dict[str, Count] = {}
    try:
        tokens: dict[str, str] = {}
        if any(row.variant in ("auth", "djauth") for row in runnable):
            from bench.run import django_session, migrate_auth_database

            migrate_auth_database(core.url)
            if any(row.variant == "djauth" for row in runnable):
                tokens["django"] = django_session(core.url)
        cookies = {row.key: cookies_for(row, core, tokens) for row in runnable}
        with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
            directory = Path(tmp)
            marks = build_marks(directory)
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {
                    pool.submit(count_row, row, core.url, *cookies[row.key], marks, directory): row
                    for row in runnable
                }
                for future in as_completed(futures):
                    if future.exception():
                        for pending in futures:
                            pending.cancel()  # the rows not started yet
                    row, count = futures[future], future.result()
                    counts[row.key] = count
                    print(
                        f"  {row.key}: {count.per_iteration:,.0f} ({count.seconds:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
            if keep is not None:
                # For callgrind_annotate: <row>.out.<block> holds one block of the window.
                keep.mkdir(parents=True, exist_ok=True)
                for dump in directory.glob("*.out.*"):
                    shutil.copy(dump, keep / dump.name)
    finally:
        core.stop()
    print(
        f"\nInstructions per request (callgrind Ir; (Ir after {WARM_UP - 30 + WINDOW} - Ir after "
        f"{WARM_UP - 30}) / {WINDOW}, after 30 warm-up requests, each row its own process; "
        "spread: (max - min) / mean of the per-request counts of the window's blocks, 10 blocks\n"
        "of 20 iterations, or of 3 iterations for the refresh rows)\n"
    )
    print_table(rows, counts)
    print(
        f"\n{time.monotonic() - started:.0f} s, {jobs} rows at a time; "
        f"load average at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
