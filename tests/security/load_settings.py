"""Settings for the load test's uvicorn workers: the test settings, the security test pages."""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import SUPERTOKENS as _TEST_SUPERTOKENS

ROOT_URLCONF = "tests.security.urls"
# The load test proves answers stay right under concurrency, not how a slow core is answered
# (tests/security/test_core_outage.py does): on a loaded machine a core call (sign-up, refresh)
# can take longer than the 5-second default, which would be a 503 here. Still bounded, and
# shorter than the test client's own timeout so the server always answers first.
SUPERTOKENS = {**_TEST_SUPERTOKENS, "CORE_TIMEOUT": 30.0}
