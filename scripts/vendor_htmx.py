#!/usr/bin/env python3
"""Copy the pinned htmx into the example project's static files (self-hosted, no CDN).

    python scripts/vendor_htmx.py          # make the static copy current (`npm ci` if needed)
    python scripts/vendor_htmx.py --check  # exit 1 if the static copy is missing or stale

The version comes from package-lock.json (``htmx.org``), like supertokens-web-js's in
scripts/vendor_webjs.py, whose helpers this uses. Only the example uses htmx; the app itself
never ships it. The copy is never committed:

    example_project/pages/static/vendor/htmx.org/
        htmx.min.js     the package's dist/htmx.min.js
        LICENSE         the package's own licence
        manifest.json   {"package", "version", "integrity"}
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from vendor_webjs import (
    ROOT,
    VendorError,
    command_line,
    installed_version,
    integrity,
    npm_ci,
    pinned_version,
)

PACKAGE = "htmx.org"
RELATIVE_DEST = Path("example_project", "pages", "static", "vendor", PACKAGE)
FILES = {"htmx.min.js": Path("dist", "htmx.min.js"), "LICENSE": Path("LICENSE")}


def is_current(dest: Path, version: str) -> bool:
    try:
        manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
        return bool(
            manifest.get("version") == version
            and (dest / "LICENSE").is_file()
            and integrity((dest / "htmx.min.js").read_bytes()) == manifest.get("integrity")
        )
    except (OSError, ValueError, AttributeError):
        return False


def vendor(root: Path = ROOT, *, force: bool = False) -> Path:
    version = pinned_version(root, PACKAGE)
    dest = root / RELATIVE_DEST
    if not force and is_current(dest, version):
        return dest
    if installed_version(root, PACKAGE) != version:
        if shutil.which("npm") is None:
            raise VendorError(f"npm is needed to fetch {PACKAGE} (install Node.js)")
        npm_ci(root)
        if installed_version(root, PACKAGE) != version:
            raise VendorError(f"npm did not install {PACKAGE} {version}")
    package_dir = root / "node_modules" / PACKAGE
    dest.mkdir(parents=True, exist_ok=True)
    for name, source in FILES.items():
        shutil.copyfile(package_dir / source, dest / name)
    manifest = {
        "package": PACKAGE,
        "version": version,
        "integrity": integrity((dest / "htmx.min.js").read_bytes()),
    }
    # Written last: an interrupted run leaves no manifest, so the next run starts over.
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    return command_line(
        argv,
        tool="vendor_htmx",
        package=PACKAGE,
        relative_dest=RELATIVE_DEST,
        is_current=is_current,
        vendor=vendor,
        description=__doc__.splitlines()[0],
    )


if __name__ == "__main__":
    sys.exit(main())
