"""The supported set is the tested set: setup.cfg, README and the nox matrix say the same.

Fast (no build), so it runs with the ordinary suite; the matrix itself is ``nox -s matrix``.
"""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The main "tests" session runs on .venv (requirements/test.txt): this Python and Django.
MAIN_SESSION = ("3.11", "5.2")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def nox_matrix() -> list[tuple[str, str]]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "MATRIX":
            return [tuple(pair) for pair in ast.literal_eval(node.value)]
    raise AssertionError("noxfile.py has no MATRIX")


def metadata() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    return parser["metadata"]


def classified(prefix: str) -> set[str]:
    pattern = re.compile(re.escape(prefix) + r" :: (\d+\.\d+)$")
    return {m[1] for line in metadata()["classifiers"].splitlines() if (m := pattern.match(line))}


def test_classifiers_name_exactly_the_tested_versions():
    tested = [*nox_matrix(), MAIN_SESSION]
    assert classified("Framework :: Django") == {django for _, django in tested}
    assert classified("Programming Language :: Python") == {python for python, _ in tested}


def test_python_requires_is_the_oldest_tested_python():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    oldest = min((python for python, _ in nox_matrix()), key=version_key)
    assert parser["options"]["python_requires"] == f">={oldest}"
    oldest_django = min((django for _, django in nox_matrix()), key=version_key)
    assert f"django>={oldest_django}" in parser["options"]["install_requires"]


def test_ruff_targets_the_oldest_supported_python():
    # A newer target lets ruff suggest syntax the oldest Python cannot run; an older one keeps
    # spellings (Optional, typing.Callable) the supported Pythons no longer need.
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    oldest = parser["options"]["python_requires"].removeprefix(">=")
    pyproject = (ROOT / "pyproject.toml").read_text()
    targets = re.findall(r'^target-version = "py(\d)(\d+)"$', pyproject, re.MULTILINE)
    assert [".".join(target) for target in targets] == [oldest]


def test_readme_requirements_name_the_tested_versions():
    readme = (ROOT / "README.rst").read_text()
    line = next(p for p in readme.split("\n\n") if p.startswith("Requirements:"))
    for django in {django for _, django in nox_matrix()}:
        assert f"{django}" in line
    pythons = sorted({p for p, _ in [*nox_matrix(), MAIN_SESSION]}, key=version_key)
    assert f"Python {pythons[0]} to {pythons[-1]}" in line
