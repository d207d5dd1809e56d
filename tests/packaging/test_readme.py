"""README.rst is the PyPI project page (setup.cfg ``long_description``): it renders as PyPI renders
it, without a warning, and its images are files of this repository.

The screenshots use repository-relative paths because setup.cfg names no repository URL: there is
no canonical address to make them absolute. They render on the repository's host; on PyPI, which
cannot resolve them, a release has to point them at published copies (README "Building a
release"). Fast, so it runs with the ordinary suite; the built sdist's metadata is rendered the
same way by test_wheel.py (``-m packaging``).
"""

from __future__ import annotations

import configparser
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

from readme_renderer.rst import render

ROOT = Path(__file__).resolve().parents[2]


def rendered_readme() -> str:
    errors = StringIO()
    html = render((ROOT / "README.rst").read_text(), stream=errors)
    assert html is not None, errors.getvalue()
    assert errors.getvalue() == ""
    return html


def test_readme_renders_as_pypi_renders_it_without_warnings() -> None:
    html = rendered_readme()
    assert "Deployment and scaling" in html


def test_readme_images_are_repository_files_or_absolute_urls() -> None:
    sources = re.findall(r'<img [^>]*\bsrc="([^"]+)"', rendered_readme())
    assert sources, "the README's screenshots are gone"
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    repository = parser["metadata"].get("url") or parser["metadata"].get("project_urls")
    for source in sources:
        if urlsplit(source).scheme:
            assert urlsplit(source).scheme == "https", source
            continue
        assert (ROOT / source).is_file(), f"README shows {source}, which is not in the repository"
        # With a canonical repository URL there is an address PyPI can load the image from.
        assert not repository, f"{source}: use the absolute URL of the file in {repository}"
