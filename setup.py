"""Build hook: make sure the pinned supertokens-web-js files are in static/ before packaging.

Metadata lives in setup.cfg. The vendored files are not in git; a build from a checkout produces
them with npm (scripts/vendor_webjs.py), and the sdist carries them, so a wheel built from the
sdist needs no npm.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent


def ensure_vendored() -> None:
    # Quick and npm-free when the files are already current (always so in an unpacked sdist).
    script = HERE / "scripts" / "vendor_webjs.py"
    spec = importlib.util.spec_from_file_location("vendor_webjs", script)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {script}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.vendor(HERE)


class BuildPy(build_py):
    def run(self) -> None:
        ensure_vendored()
        # The package-data list may have been computed before the files existed.
        self.__dict__.pop("data_files", None)
        super().run()


class Sdist(sdist):
    def run(self) -> None:
        ensure_vendored()
        super().run()


cmdclass: dict[str, Any] = {"build_py": BuildPy, "sdist": Sdist}
setup(cmdclass=cmdclass)
