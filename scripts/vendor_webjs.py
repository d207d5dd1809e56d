#!/usr/bin/env python3
"""Copy the pinned supertokens-web-js browser bundles into the app's static files.

    python scripts/vendor_webjs.py          # make the static copy current (`npm ci` if needed)
    python scripts/vendor_webjs.py --check  # exit 1 if the static copy is missing or stale

The version comes from package-lock.json. npm names the bundles by content hash, which changes with
every release; the copies get stable names so templates never change on an upgrade:

    django_st_ssr/static/django_st_ssr/vendor/supertokens-web-js/
        website.js supertokens.js session.js   (load in this order)
        LICENSE.md                              (the package's own licence)
        manifest.json                           {"package", "version", "files": [{"name",
                                                 "original", "integrity", "size"}, ...]}

"integrity" is a Subresource Integrity value (sha384-<base64>). The copies are never committed;
`python -m build` runs this script (see setup.py) so that the sdist and the wheel carry them.

Standard library only, Python 3.10+: setup.py imports it during a build.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE = "supertokens-web-js"
# Load order matters: the other bundles are webpack entries that depend on "website".
BUNDLES = ("website", "supertokens", "session")
ROOT = Path(__file__).resolve().parent.parent
RELATIVE_DEST = Path("django_st_ssr", "static", "django_st_ssr", "vendor", PACKAGE)


class VendorError(Exception):
    pass


def pinned_version(root: Path, package: str = PACKAGE) -> str:
    lock_path = root / "package-lock.json"
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        return str(lock["packages"][f"node_modules/{package}"]["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise VendorError(
            f"cannot read the pinned {package} version from {lock_path}: {exc}"
        ) from exc


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def is_current(dest: Path, version: str) -> bool:
    """True when the static copy is complete, of ``version``, and matches its manifest."""
    try:
        manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("version") != version or not (dest / "LICENSE.md").is_file():
            return False
        names = [entry["name"] for entry in manifest["files"]]
        if names != [f"{bundle}.js" for bundle in BUNDLES]:
            return False
        return all(
            integrity((dest / entry["name"]).read_bytes()) == entry["integrity"]
            for entry in manifest["files"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def installed_version(root: Path, package: str = PACKAGE) -> str | None:
    try:
        meta = json.loads(
            (root / "node_modules" / package / "package.json").read_text(encoding="utf-8")
        )
        return str(meta["version"])
    except (OSError, ValueError, KeyError):
        return None


def npm_ci(root: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            f"npm is needed to fetch {PACKAGE} (install Node.js, or build from the sdist, "
            "which already carries the files)."
        )
    # --ignore-scripts: only prebuilt bundles are used, no dependency needs to run code here.
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    print("vendor_webjs: " + " ".join(command[1:]), file=sys.stderr)
    result = subprocess.run(command, cwd=root, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        raise VendorError(f"npm ci failed with exit code {result.returncode}")


def find_bundle(bundle_dir: Path, name: str) -> Path:
    matches = sorted(bundle_dir.glob(f"{name}.*.js"))
    if len(matches) != 1:
        raise VendorError(f"expected one {bundle_dir}/{name}.<hash>.js, found {len(matches)}")
    return matches[0]


def vendor(root: Path = ROOT, *, force: bool = False) -> Path:
    """Make the static copy current and return its folder. Quick when it already is."""
    version = pinned_version(root)
    dest = root / RELATIVE_DEST
    if not force and is_current(dest, version):
        return dest
    if installed_version(root) != version:
        npm_ci(root)
        if installed_version(root) != version:
            raise VendorError(f"npm did not install {PACKAGE} {version}")
    package_dir = root / "node_modules" / PACKAGE
    files: list[dict[str, Any]] = []
    dest.mkdir(parents=True, exist_ok=True)
    for bundle in BUNDLES:
        source = find_bundle(package_dir / "bundle", bundle)
        data = source.read_bytes()
        (dest / f"{bundle}.js").write_bytes(data)
        files.append(
            {
                "name": f"{bundle}.js",
                "original": f"bundle/{source.name}",
                "integrity": integrity(data),
                "size": len(data),
            }
        )
    shutil.copyfile(package_dir / "LICENSE.md", dest / "LICENSE.md")
    manifest = {"package": PACKAGE, "version": version, "files": files}
    # Written last: an interrupted run leaves no manifest, so the next run starts over.
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return dest


def command_line(
    argv: list[str] | None,
    *,
    tool: str,
    package: str,
    relative_dest: Path,
    is_current: Callable[[Path, str], bool],
    vendor: Callable[..., Path],
    description: str,
) -> int:
    """The command line shared by the vendoring scripts: copy, or only --check."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if stale")
    parser.add_argument("--force", action="store_true", help="copy again even if current")
    args = parser.parse_args(argv)
    try:
        version = pinned_version(ROOT, package)
        if args.check:
            current = is_current(ROOT / relative_dest, version)
            print(f"{package} {version}: {'current' if current else 'missing or stale'}")
            return 0 if current else 1
        dest = vendor(ROOT, force=args.force)
    except VendorError as exc:
        print(f"{tool}: error: {exc}", file=sys.stderr)
        return 2
    print(f"{package} {version} -> {dest.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return command_line(
        argv,
        tool="vendor_webjs",
        package=PACKAGE,
        relative_dest=RELATIVE_DEST,
        is_current=is_current,
        vendor=vendor,
        description=__doc__.splitlines()[0],
    )


if __name__ == "__main__":
    sys.exit(main())
