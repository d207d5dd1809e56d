"""Starting Django with public domains makes no network call for the public-suffix list.

The SDK's init asks tldextract for the registrable domain of api_domain and website_domain; by
default tldextract downloads the public-suffix list first. The app makes the SDK use tldextract's
bundled snapshot unless SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP says otherwise. The network is
"down" here: every HTTP(S) request goes to a proxy that refuses connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage_check(tmp_path: Path, **env_changes: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP"}
    env.update(
        PYTHONPATH=str(ROOT),
        ST_CORE_URI="http://127.0.0.1:9",  # `check` does not call the core
        TLDEXTRACT_CACHE=str(tmp_path / "tldextract"),  # nothing cached from earlier runs
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
        **env_changes,
    )
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--settings=tests.management.offline_settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_with_public_domains_is_clean_offline(tmp_path: Path) -> None:
    result = manage_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "Traceback" not in result.stderr
    assert "public_suffix_list" not in result.stderr


def test_the_environment_can_still_ask_for_the_download(tmp_path: Path) -> None:
    # SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP=0 wins over the app's default: tldextract tries to
    # fetch the list (and, offline, logs the failure before falling back to its snapshot).
    result = manage_check(tmp_path, SUPERTOKENS_TLDEXTRACT_DISABLE_HTTP="0")
    assert result.returncode == 0, result.stderr
    assert "public_suffix_list" in result.stderr
