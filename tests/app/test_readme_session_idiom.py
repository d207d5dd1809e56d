"""The README's "is there a session?" idiom holds in every view, decorated or not.

The snippet is taken from README.rst itself ("Optional sessions") and run both as written
(``@ssr_session_required(session_required=False)``) and undecorated, where
``request.st_session`` is the middleware's lazy value.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

import django_st_ssr

README = Path(__file__).resolve().parents[2] / "README.rst"


def _render(_request: Any, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return HttpResponse(f"{template}:{(context or {}).get('user_id', 'anonymous')}")


def readme_home() -> Any:
    text = README.read_text()
    start = text.index("Optional sessions (")
    block = re.search(r"::\n\n((?:    .*\n|\n)+)", text[start:])
    assert block, "the Optional sessions snippet is gone from README.rst"
    namespace: dict[str, Any] = {
        "__name__": __name__,
        "ssr_session_required": django_st_ssr.ssr_session_required,
        "render": _render,
    }
    exec(textwrap.dedent(block.group(1)), namespace)  # our own README
    return namespace["home"]


home = readme_home()
urlpatterns = [
    path("", include("django_st_ssr.urls")),
    path("decorated/", home),
    path("undecorated/", home.__wrapped__),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.parametrize("page", ["/decorated/", "/undecorated/"])
def test_the_readme_idiom_tells_visitors_from_users(st_login: Any, page: str) -> None:
    assert Client().get(page).content == b"home.html:anonymous"
    client = Client()
    user_id = st_login(client).user_id
    assert client.get(page).content.decode() == f"home.html:{user_id}"
