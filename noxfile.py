"""Quality gates and the test matrix.

    nox                  # lint, typecheck, tests (full suite), postgres, matrix: `make test`
    nox -s tests -- -k refresh
    nox -s postgres      # the Django-auth tests on a throw-away PostgreSQL server
    nox -s matrix        # Django 5.2 / 6.0 / 6.1 on the oldest and newest Python each supports
    nox -s wheel         # build sdist + wheel, install in a fresh venv, smoke-test it

lint, typecheck, tests and wheel run in the environment nox itself runs in: the project's .venv,
which scripts/bootstrap.sh makes from requirements/test.txt (so nothing is installed twice). The
matrix sessions get their own virtualenvs, kept between runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
nox.options.sessions = ["lint", "typecheck", "tests", "postgres", "matrix", "drf", "ninja"]
nox.options.reuse_venv = "yes"
# A machine without some Python skips those matrix sessions; CI must have them all.
nox.options.error_on_missing_interpreters = os.environ.get("CI") == "true"

# (python, Django) pairs: the oldest and newest Python each supported Django runs on, among those
# this machine has (3.10 to 3.13; Django 6.x also supports 3.14, not installed here). Python 3.11
# with Django 5.2 is the main "tests" session. README "Requirements" and setup.cfg say the same.
MATRIX = [
    ("3.10", "5.2"),
    ("3.13", "5.2"),
    ("3.12", "6.0"),
    ("3.13", "6.0"),
    ("3.12", "6.1"),
    ("3.13", "6.1"),
]
# Slow or environment-bound tests the matrix leaves to the main "tests" session.
MATRIX_PYTEST_ARGS = [
    "-m",
    "not browser and not packaging",
    "--ignore=tests/browser",
    "--ignore=tests/packaging",
    # The API integrations have their own sessions (drf, ninja), each with only its extra.
    "--ignore=tests/contrib",
    # The main session runs tests/app on all three verification paths (fast path, SDK only, cold
    # keys); what differs between Django versions is seen on one of them, at a third of the time.
    "--verification-path=fast-path",
]


def _expose_pyenv_interpreters() -> None:
    """Let nox find every pyenv-installed python3.X, not only the globally selected one.

    A pyenv shim for a version that is installed but not selected exits with "command not
    found", so point a directory of plain symlinks at the real binaries and put it first on PATH.
    """
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not versions.is_dir():
        return
    links = ROOT / ".nox" / "_interpreters"
    links.mkdir(parents=True, exist_ok=True)
    for python, _ in MATRIX:
        name = f"python{python}"
        candidates = sorted(versions.glob(f"{python}.*/bin/{name}"))
        if candidates:
            link = links / name
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(candidates[-1])
    os.environ["PATH"] = f"{links}{os.pathsep}{os.environ.get('PATH', '')}"


_expose_pyenv_interpreters()


def _pytest(session: nox.Session, *args: str) -> None:
    # A full run that collected nothing is broken (exit 5), but a run narrowed by the caller's
    # own arguments (-k, -m, a path) may legitimately select nothing.
    codes = [0, 5] if session.posargs else [0]
    session.run(*args, *session.posargs, success_codes=codes, external=True)


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    session.run(sys.executable, "-m", "ruff", "check", ".", external=True)
    session.run(sys.executable, "-m", "ruff", "format", "--check", ".", external=True)


@nox.session(python=False)
def typecheck(session: nox.Session) -> None:
    # The django-stubs plugin imports tests.settings; a dummy core URI keeps that import from
    # starting the emulated core inside mypy.
    env = {"ST_CORE_URI": os.environ.get("ST_CORE_URI", "http://127.0.0.1:9")}
    session.run(sys.executable, "-m", "mypy", env=env, external=True)


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """The whole suite (browser and packaging tests included) on .venv: Python 3.11, Django 5.2."""
    session.run(sys.executable, ROOT / "scripts" / "vendor_webjs.py", external=True)
    # The example's htmx, for the browser tests of its partial pages.
    session.run(sys.executable, ROOT / "scripts" / "vendor_htmx.py", external=True)
    _pytest(session, sys.executable, "-m", "pytest")


@nox.session(python=False)
def postgres(session: nox.Session) -> None:
    """The Django-auth tests (users, the concurrent first request) on a real PostgreSQL server.

    scripts/with_postgres.sh installs Debian's postgresql when missing, runs a throw-away
    cluster on 127.0.0.1 at a free port for the duration of the run, then removes it.
    """
    _pytest(
        session,
        str(ROOT / "scripts" / "with_postgres.sh"),
        sys.executable,
        "-m",
        "pytest",
        "--ds=tests.settings_postgres",
        "tests/auth",
    )


@nox.session
@nox.parametrize("python,django", MATRIX, ids=[f"{p}-django{d}" for p, d in MATRIX])
def matrix(session: nox.Session, django: str) -> None:
    session.install(f"Django~={django}.0", "-r", "requirements/matrix.txt", "-e", ".")
    _pytest(session, "python", "-m", "pytest", *MATRIX_PYTEST_ARGS)


# The API integrations, each installed through its extra alone in a virtualenv of its own: proves
# the extra pulls in what the integration needs, and that neither needs the other.
INTEGRATIONS = {"drf": "requirements/drf.txt", "ninja": "requirements/ninja.txt"}


def _integration(session: nox.Session, extra: str) -> None:
    session.install("-r", "requirements/matrix.txt", "-r", INTEGRATIONS[extra], "-e", f".[{extra}]")
    # Every test file of this integration (test_drf.py, test_drf_browsable.py, ...), no other's.
    contrib = ROOT / "tests" / "contrib"
    files = sorted(str(path.relative_to(ROOT)) for path in contrib.glob(f"test_{extra}*.py"))
    _pytest(session, "python", "-m", "pytest", *files)


@nox.session(python="3.11")
def drf(session: nox.Session) -> None:
    """contrib.drf with Django REST framework (pinned as in requirements/test.txt)."""
    _integration(session, "drf")


@nox.session(python="3.11")
def ninja(session: nox.Session) -> None:
    """contrib.ninja with Django Ninja (pinned as in requirements/test.txt)."""
    _integration(session, "ninja")


@nox.session(python=False)
def wheel(session: nox.Session) -> None:
    """Build the sdist and wheel and check the installed wheel in a fresh virtualenv."""
    _pytest(session, sys.executable, "-m", "pytest", "-m", "packaging", "tests/packaging")
