"""Build the sdist, build the wheel from it without npm, install it in a fresh virtualenv, use it.

Slow (about a minute; pip may download Django and supertokens-python): marked ``packaging``, so
``-m "not packaging"`` skips it and ``nox -s wheel`` runs only it. It runs in the full suite.
"""

from __future__ import annotations

import base64
import email
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from readme_renderer.rst import render

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
VENDOR = "django_st_ssr/static/django_st_ssr/vendor/supertokens-web-js"
EXPECTED_IN_WHEEL = [
    "django_st_ssr/py.typed",
    "django_st_ssr/templates/django_st_ssr/refresh_session.html",
    "django_st_ssr/templates/django_st_ssr/auth/sign_in.html",
    "django_st_ssr/templates/django_st_ssr/emails/password_reset_body.txt",
    "django_st_ssr/auth_urls.py",
    "django_st_ssr/static/django_st_ssr/refresh.js",
    f"{VENDOR}/website.js",
    f"{VENDOR}/supertokens.js",
    f"{VENDOR}/session.js",
    f"{VENDOR}/manifest.json",
    f"{VENDOR}/LICENSE.md",
    "django_st_ssr/management/commands/supertokens_status.py",
    "django_st_ssr/testing/plugin.py",
]


def sh(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    sh(sys.executable, "-m", "build", "--sdist", "--outdir", out, ROOT)
    [sdist] = out.glob("django_st_ssr-*.tar.gz")
    unpacked = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as archive:
        # The "data" filter where this Python has it (3.12+ warns without one).
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(unpacked, **extra)  # type: ignore[arg-type]
    [source] = unpacked.iterdir()
    # A PATH with no npm on it: the sdist must carry the vendored files.
    no_npm = tmp_path_factory.mktemp("empty-bin")
    env = {**os.environ, "PATH": str(no_npm)}
    sh(sys.executable, "-m", "build", "--wheel", "--outdir", out, source, env=env)
    [wheel] = out.glob("django_st_ssr-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_sdist_carries_the_vendored_web_js_and_build_inputs(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in (
        f"{VENDOR}/session.js",
        f"{VENDOR}/manifest.json",
        "package-lock.json",
        "scripts/vendor_webjs.py",
        "LICENSE",
        "CHANGELOG.rst",
    ):
        assert expected in names
    assert not any(name.startswith(("node_modules/", "tests/")) for name in names)


def test_long_description_renders_as_pypi_renders_it(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        [pkg_info] = [
            m
            for m in archive.getmembers()
            if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
        ]
        member = archive.extractfile(pkg_info)
        assert member is not None
        metadata = email.message_from_bytes(member.read())
    assert metadata["Description-Content-Type"] == "text/x-rst"
    errors = StringIO()
    html = render(metadata.get_payload(), stream=errors)
    assert html is not None, errors.getvalue()
    assert "Deployment and scaling" in html


def test_wheel_contents_and_pytest_entry_point(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entry_points_text = wheel.read(entry_points).decode()
        manifest = json.loads(wheel.read(f"{VENDOR}/manifest.json"))
        session_js = wheel.read(f"{VENDOR}/session.js")
    for expected in EXPECTED_IN_WHEEL:
        assert expected in names
    assert not any(name.startswith(("tests/", "example_project/", "scripts/")) for name in names)
    assert "[pytest11]" in entry_points_text
    assert "django_st_ssr = django_st_ssr.testing.plugin" in entry_points_text
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert manifest["version"] == lock["packages"]["node_modules/supertokens-web-js"]["version"]
    [session_entry] = [f for f in manifest["files"] if f["name"] == "session.js"]
    digest = base64.b64encode(hashlib.sha384(session_js).digest()).decode()
    assert session_entry["integrity"] == f"sha384-{digest}"


SETTINGS = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "packaging-test"
DEBUG = True
ALLOWED_HOSTS = ["testserver", "localhost"]
TIME_ZONE = "UTC"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.staticfiles", "django_st_ssr"]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django_st_ssr.middleware.SuperTokensMiddleware",
]
ROOT_URLCONF = "urls"
DATABASES = {}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "collected"
LOGIN_URL = "login"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
SUPERTOKENS = {
    "CONNECTION_URI": "http://127.0.0.1:3567",
    "APP_INFO": {
        "app_name": "packaging test",
        "api_domain": "http://localhost:8000",
        "website_domain": "http://localhost:8000",
    },
}
"""

URLS = """
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("login/", lambda request: HttpResponse("login"), name="login"),
    *staticfiles_urlpatterns(),
]
"""

# Runs inside the fresh virtualenv: fetch the refresh page, then every script it loads, the way
# a browser would (static files served by django.contrib.staticfiles).
SMOKE = """
import json, os, re, hashlib, base64
from importlib import metadata

os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
import django

django.setup()
from django.test import Client
import django_st_ssr

client = Client()
page = client.get("/refresh-session/", {"redirectBack": "/dashboard/?tab=x"})
html = page.content.decode()
scripts = []
for tag in re.findall(r"<script\\b[^>]*>", html):
    src = re.search(r'src="([^"]+)"', tag)
    if src is None:
        scripts.append({"tag": tag})
        continue
    response = client.get(src.group(1))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    scripts.append({
        "src": src.group(1),
        "status": response.status_code,
        "integrity": "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
    })
dist = metadata.distribution("django-st-ssr")
print(json.dumps({
    "package_dir": os.path.dirname(django_st_ssr.__file__),
    "status": page.status_code,
    "html": html,
    "scripts": scripts,
    "pytest11": [ep.value for ep in dist.entry_points if ep.group == "pytest11"],
}))
"""


@pytest.fixture(scope="module")
def installed(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    sh(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", built["wheel"])
    project = tmp_path_factory.mktemp("project")
    (project / "settings.py").write_text(textwrap.dedent(SETTINGS))
    (project / "urls.py").write_text(textwrap.dedent(URLS))
    (project / "smoke.py").write_text(textwrap.dedent(SMOKE))
    return {"python": python, "project": project, "venv": env_dir}


def run_in_project(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    # Nothing from this checkout may leak in: the installed wheel alone must do.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    env["DJANGO_SETTINGS_MODULE"] = "settings"
    env["PYTHONPATH"] = str(installed["project"])
    return sh(installed["python"], *args, cwd=installed["project"], env=env)


def test_installed_wheel_passes_manage_py_check(installed: dict[str, Path]) -> None:
    result = run_in_project(installed, "-m", "django", "check")
    assert "System check identified no issues" in result.stdout


def test_collectstatic_collects_the_web_js(installed: dict[str, Path]) -> None:
    run_in_project(installed, "-m", "django", "collectstatic", "--noinput")
    collected = installed["project"] / "collected" / "django_st_ssr"
    for name in ("refresh.js", "vendor/supertokens-web-js/website.js"):
        assert (collected / name).is_file()


def test_refresh_page_loads_its_scripts_from_the_installed_static_files(
    installed: dict[str, Path],
) -> None:
    report = json.loads(run_in_project(installed, "smoke.py").stdout)
    assert Path(report["package_dir"]).is_relative_to(installed["venv"])
    assert report["status"] == 200
    assert report["pytest11"] == ["django_st_ssr.testing.plugin"]

    srcs = [script["src"] for script in report["scripts"] if "src" in script]
    # The only script without src is the json_script config: data, not code (CSP script-src).
    assert [s["tag"] for s in report["scripts"] if "src" not in s] == [
        '<script id="django-st-ssr-config" type="application/json">'
    ]
    assert srcs == [
        "/static/django_st_ssr/vendor/supertokens-web-js/website.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/supertokens.js",
        "/static/django_st_ssr/vendor/supertokens-web-js/session.js",
        "/static/django_st_ssr/refresh.js",
    ]
    loaded = [script for script in report["scripts"] if "src" in script]
    assert [script["status"] for script in loaded] == [200] * len(srcs)
    manifest = json.loads((ROOT / VENDOR / "manifest.json").read_text())
    served = {script["src"].rsplit("/", 1)[1]: script["integrity"] for script in loaded}
    for entry in manifest["files"]:
        assert served[entry["name"]] == entry["integrity"]
