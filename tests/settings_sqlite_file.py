"""The test settings on an SQLite file instead of memory.

An in-memory SQLite database shared between threads locks whole tables and fails at once
("database table is locked") instead of waiting like a file database does, so concurrency tests
(tests/auth/test_concurrency.py) need a file to say anything about SQLite as deployed.
"""

from __future__ import annotations

import os
import tempfile

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

_dir = tempfile.mkdtemp(prefix="st-ssr-sqlite-")
DATABASES = {
    "default": {
        **DATABASES["default"],
        "NAME": os.path.join(_dir, "db.sqlite3"),
        "TEST": {"NAME": os.path.join(_dir, "test.sqlite3")},
    }
}
