"""The benchmark: ``python bench/run.py`` (about three minutes; ``--quick`` for a smoke run).

One run prints everything README.rst "Performance" shows:

1. in-process handler costs: each variant (bench/settings_*.py) lives in its own worker process
   (bench/worker.py) and serves crafted requests through Django's WSGIHandler and ASGIHandler;
   rounds are interleaved across variants, and each figure is the median of the rounds, both as
   CPU time of the worker process (steady on a shared machine) and as wall-clock time;
2. a load run on loopback with wrk: uvicorn and gunicorn, 2 workers each;
3. the slow-core case: a cold ASGI worker whose JWKS fetch takes 2 s, while unprotected pages
   keep being requested;
4. RSS per gunicorn worker with and without the app.

The core is the emulated one, in this process. Every response is checked (status and body)
before it is timed; nothing here is a test and nothing asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_st_ssr.testing import EmulatedCore  # noqa: E402

JWKS_PATH = "/.well-known/jwks.json"

# (label, variant, {column: path}); None: no such view (DRF has no async views)
ROWS: list[tuple[str, str, tuple[str | None, ...]]] = [
    ("bare view, no middleware", "bare", ("/bare/", "/bare/", "/abare/")),
    ("bare view + our middleware", "ours", ("/bare/", "/bare/", "/abare/")),
    ("@ssr_session_required (ours)", "ours", ("/protected/", "/protected/", "/aprotected/")),
    ("@login_required reading request.user (ours)", "auth", ("/user/", "/user/", "/auser/")),
    ("bare view + SDK middleware", "sdk", ("/bare/", "/bare/", "/abare/")),
    ("SDK middleware + verify_session", "sdk", ("/protected/", "/protected/", "/aprotected/")),
    ("SDK middleware + get_session in view", "sdk", ("/seed/", "/seed/", "/aseed/")),
    ("DRF endpoint, SuperTokensAuthentication (ours)", "api", ("/drf/", "/drf/", None)),
    ("DRF endpoint, SDK middleware + verify_session", "sdkapi", ("/sdk-drf/", "/sdk-drf/", None)),
    ("Ninja endpoint, SuperTokensAuth (ours)", "api", ("/ninja/me", "/ninja/me", "/ninja/ame")),
    (
        "Ninja endpoint, SDK middleware + verify_session",
        "sdkapi",
        ("/sdk-ninja/me", "/sdk-ninja/me", "/sdk-ninja/ame"),
    ),
]
COLUMNS = [("WSGI, sync view", "wsgi"), ("ASGI, sync view", "asgi"), ("ASGI, async view", "asgi")]
PROTECTED = ("/protected/", "/aprotected/", "/seed/", "/aseed/", "/user/", "/auser/")
DRF_ME = '{{"user":"{user}"}}'  # DRF's JSONRenderer is compact; Ninja's is json.dumps'
NINJA_ME = '{{"user": "{user}"}}'


def expected(path: str, user_id: str) -> tuple[str, str]:
    """The Accept header a path is asked with, and the body it answers with a valid session."""
    if "drf/" in path:
        return "application/json", DRF_ME.format(user=user_id)
    if "ninja/" in path:
        return "application/json", NINJA_ME.format(user=user_id)
    return "text/html", user_id if path in PROTECTED else "ok"


def environment(core_url: str, settings: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=f"bench.settings_{settings}",
        BENCH_CORE_URI=core_url,
        PYTHONPATH=str(ROOT),
        SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP="1",
    )
    return env


def new_session(core: EmulatedCore) -> tuple[str, str, str]:
    """A session of a new user in the core: the user id, access token and refresh token."""
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


class Worker:
    def __init__(self, core_url: str, settings: str) -> None:
        # The SDK leaves one event loop per thread it ran in; their teardown at exit writes
        # tracebacks that are noise here, so stderr is kept apart and shown only on failure.
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "worker.py")],
            env=environment(core_url, settings),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            cwd=ROOT,
        )

    def run(self, handler: str, path: str, cookie: str, accept: str, n: int) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        command = {"handler": handler, "path": path, "cookie": cookie, "accept": accept, "n": n}
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.stderr.seek(0)
            raise RuntimeError(f"benchmark worker died on {command}:\n{self.stderr.read()}")
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        self.stderr.close()


def migrate_auth_database(core_url: str) -> None:
    """A fresh SQLite file for the "auth" variant (bench/settings_auth.py), migrated."""
    os.environ["BENCH_AUTH_DB"] = str(Path(tempfile.mkdtemp(prefix="bench-auth-")) / "db.sqlite3")
    command = [sys.executable, "-m", "django", "migrate", "--noinput", "--skip-checks", "-v", "0"]
    subprocess.run(command, env=environment(core_url, "auth"), cwd=ROOT, check=True)


def in_process(core: EmulatedCore, rounds: int, seconds_per_batch: float) -> dict[str, Any]:
    user_id, token, _refresh = new_session(core)
    cookie = f"sAccessToken={token}"
    migrate_auth_database(core.url)
    workers = {variant: Worker(core.url, variant) for variant in {row[1] for row in ROWS}}
    try:
        series: dict[tuple[int, int], dict[str, Any]] = {}
        for r, (_label, variant, paths) in enumerate(ROWS):
            for c, (_title, handler) in enumerate(COLUMNS):
                path = paths[c]
                if path is None:
                    continue
                worker = workers[variant]
                accept, body = expected(path, user_id)
                answer = worker.run(handler, path, cookie, accept, 20)  # warm-up, then check
                if answer["status"] != 200 or answer["body"] != body:
                    raise RuntimeError(f"{variant} {handler} {path} answered {answer}")
                per_request = worker.run(handler, path, cookie, accept, 50)["us"]
                n = max(20, int(seconds_per_batch / (per_request / 1e6)))
                series[(r, c)] = {"worker": worker, "handler": handler, "path": path, "n": n}
                series[(r, c)].update(accept=accept, cpu=[], wall=[])
        core.reset_log()
        order = list(series)
        for _ in range(rounds):
            random.shuffle(order)
            for key in order:
                s = series[key]
                answer = s["worker"].run(s["handler"], s["path"], cookie, s["accept"], s["n"])
                s["cpu"].append(answer["cpu_us"])
                s["wall"].append(answer["us"])
        core_calls = core.calls()
    finally:
        for worker in workers.values():
            worker.close()
    return {
        "cpu": {key: statistics.median(s["cpu"]) for key, s in series.items()},
        "wall": {key: statistics.median(s["wall"]) for key, s in series.items()},
        "core_calls": core_calls,
        "rounds": rounds,
    }


def print_handler_table(medians: dict[tuple[int, int], float]) -> None:
    label_width = max(len(label) for label, _, _ in ROWS)
    cell = 22
    rule = "=" * label_width + "  " + "  ".join(["=" * cell] * len(COLUMNS))
    print(rule)
    header = "stack".ljust(label_width)
    print(header + "  " + "  ".join(title.ljust(cell) for title, _ in COLUMNS))
    print(rule)
    for r, (label, _, _) in enumerate(ROWS):
        cells = []
        for c in range(len(COLUMNS)):
            if (r, c) not in medians:
                cells.append("n/a".center(cell))
                continue
            us, bare = medians[(r, c)], medians[(0, c)]
            cells.append(f"{us:7.1f} µs  {us / bare:5.2f}x".ljust(cell))
        print(label.ljust(label_width) + "  " + "  ".join(cells))
    print(rule)


# -- servers on loopback ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, kind: str, settings: str, core_url: str, workers: int = 2) -> None:
        self.port = free_port()
        if kind == "uvicorn":
            command = ["-m", "uvicorn", "bench.asgi:application", "--host", "127.0.0.1"]
            command += ["--port", str(self.port), "--log-level", "warning", "--no-access-log"]
            if workers > 1:
                command += ["--workers", str(workers)]
        else:
            command = ["-m", "gunicorn", "bench.wsgi:application", "-w", str(workers)]
            command += ["-b", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.process = subprocess.Popen(
            [sys.executable, *command], env=environment(core_url, settings), cwd=ROOT
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str) -> None:
        import httpx

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server on {self.url} did not come up")

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        [
            *("wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"),
            *("-H", f"Cookie: {cookie}", "-H", "Accept: text/html", url),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"errors under load on {url}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99_text = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    assert p99_text is not None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99_text.group(2)]
    return {"rps": rps, "p99_ms": float(p99_text.group(1)) * scale}


def load_run(core: EmulatedCore, seconds: int, connections: int) -> list[tuple[str, ...]]:
    if shutil.which("wrk") is None:
        print("wrk not found (apt-get install wrk): load run skipped")
        return []
    _user_id, token, _refresh = new_session(core)
    cookie = f"sAccessToken={token}"
    plan = [
        ("uvicorn", "ours", "unprotected", "/abare/"),
        ("uvicorn", "ours", "@ssr_session_required", "/aprotected/"),
        ("uvicorn", "sdk", "SDK verify_session", "/aprotected/"),
        ("gunicorn", "ours", "unprotected", "/bare/"),
        ("gunicorn", "ours", "@ssr_session_required", "/protected/"),
        ("gunicorn", "sdk", "SDK verify_session", "/protected/"),
    ]
    rows: list[tuple[str, ...]] = []
    servers: dict[tuple[str, str], Server] = {}
    try:
        for kind, settings, label, path in plan:
            server = servers.get((kind, settings))
            if server is None:
                server = servers[(kind, settings)] = Server(kind, settings, core.url)
                server.wait_ready("/bare/")
            wrk(server.url + path, cookie, 1, connections)  # warm every worker
            result = wrk(server.url + path, cookie, seconds, connections)
            rows.append(
                (f"{kind} ({settings})", label, f"{result['rps']:.0f}", f"{result['p99_ms']:.1f}")
            )
    finally:
        for server in servers.values():
            server.stop()
    return rows


def print_simple_table(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], numbers: bool = False
) -> None:
    """An RST table; ``numbers``: every column but the first is right-aligned."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    rule = "  ".join("=" * w for w in widths)
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(rule)
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [
            v.rjust(w) if numbers else v.ljust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
    print(rule)


def slow_core(core: EmulatedCore, delay: float) -> list[tuple[str, ...]]:
    """A cold single-worker uvicorn; the first protected request waits for a slow JWKS."""
    import httpx

    _user_id, token, _refresh = new_session(core)
    rows = []
    for settings, label in (("ours", "django-st-ssr"), ("sdk", "SDK middleware + verify_session")):
        server = Server("uvicorn", settings, core.url, workers=1)
        try:
            server.wait_ready("/abare/")
            core.delay(JWKS_PATH, delay)
            fetches_before = core.calls(JWKS_PATH)

            async def scenario(url: str) -> tuple[float, list[float]]:
                async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                    await client.get("/abare/")  # an open keep-alive connection, as a browser has
                    started = time.perf_counter()
                    protected = asyncio.ensure_future(
                        client.get("/aprotected/", headers={"Cookie": f"sAccessToken={token}"})
                    )
                    await asyncio.sleep(0.1)  # the protected request is now waiting on the core
                    latencies = []
                    while not protected.done():
                        t = time.perf_counter()
                        response = await client.get("/abare/")
                        latencies.append(time.perf_counter() - t)
                        if response.status_code != 200:
                            raise RuntimeError(f"unprotected page answered {response.status_code}")
                    answer = await protected
                    if answer.status_code != 200:
                        raise RuntimeError(f"protected page answered {answer.status_code}")
                    return time.perf_counter() - started, latencies

            protected_s, latencies = asyncio.run(scenario(server.url))
            if core.calls(JWKS_PATH) == fetches_before:
                raise RuntimeError("the worker was not cold: no JWKS fetch happened")
        finally:
            core.delay(JWKS_PATH, 0)
            server.stop()
        rows.append(
            (
                label,
                f"{protected_s:.2f} s",
                str(len(latencies)),
                f"{statistics.median(latencies) * 1000:.1f} ms",
                f"{percentile(latencies, 0.99) * 1000:.1f} ms",
                f"{max(latencies) * 1000:.1f} ms",
            )
        )
    return rows


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def memory(core: EmulatedCore) -> list[tuple[str, ...]]:
    import httpx

    _user_id, token, _refresh = new_session(core)
    rows = []
    for settings, label, path in (
        ("bare", "Django only (no SuperTokens)", "/bare/"),
        ("ours", "with django-st-ssr", "/protected/"),
        ("sdk", "with the SDK middleware", "/protected/"),
    ):
        server = Server("gunicorn", settings, core.url)
        try:
            server.wait_ready("/bare/")
            for _ in range(50):  # reach both workers, verified pages included
                httpx.get(server.url + path, headers={"Cookie": f"sAccessToken={token}"})
            sizes = server.worker_rss_mb()
        finally:
            server.stop()
        rows.append((label, ", ".join(f"{s:.1f}" for s in sorted(sizes))))
    return rows


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import django
    import supertokens_python.constants as st_constants

    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, supertokens-python {st_constants.VERSION}; "
        f"load average {load_average()}"
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--load-seconds", type=int, default=5)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instructions per request under callgrind instead (bench/instructions.py)",
    )
    parser.add_argument("--only", nargs="*", help="with --instructions: these rows (and bare)")
    parser.add_argument(
        "--jobs", type=int, help="with --instructions: rows at a time (default: the CPU count)"
    )
    args = parser.parse_args()
    if args.instructions:
        from bench import instructions

        instructions.main(args.only, args.jobs)
        return
    rounds = 3 if args.quick else args.rounds
    batch = 0.02 if args.quick else 0.05
    load_seconds = 2 if args.quick else args.load_seconds

    core = EmulatedCore().start()
    try:
        print(f"Machine: {machine()}\n")
        result = in_process(core, rounds, batch)
        print("In-process handler cost per request: CPU time (µs) and ratio to the bare view\n")
        print_handler_table(result["cpu"])
        print(
            "\nThe same requests, wall-clock time (µs), which other load on the machine inflates\n"
        )
        print_handler_table(result["wall"])
        print(
            f"\nMedians of {result['rounds']} interleaved rounds; ratios are to the bare view "
            f"in the same column. Calls to the core during the timed rounds: "
            f"{result['core_calls']}."
        )
        print(f"\nLoad on loopback: wrk -t1 -c16 -d{load_seconds}s, 2 workers per server\n")
        load_rows = load_run(core, load_seconds, 16)
        if load_rows:
            print_simple_table(("server", "page", "requests/s", "p99 ms"), load_rows)
        print("\nSlow core: cold uvicorn worker, JWKS answering after 2 s\n")
        print_simple_table(
            ("stack", "protected page", "unprotected meanwhile", "median", "p99", "max"),
            slow_core(core, 2.0),
        )
        print("\nMemory: RSS per gunicorn worker (MB) after serving pages\n")
        print_simple_table(("project", "RSS per worker (MB)"), memory(core))
        print(f"\nLoad average at the end: {load_average()}")
    finally:
        core.stop()


if __name__ == "__main__":
    main()
