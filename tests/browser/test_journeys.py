"""Journeys (issue 10): seeded random walks over the example, both servers, both refresh modes.

``JOURNEY_WALKS`` walks (default 3) of ``JOURNEY_STEPS`` steps (default 25) per server and refresh
mode, each in a fresh Chromium. The run's seed is in pytest's header and in every failure;
``JOURNEY_SEED=<seed>`` replays it. ``journeys.py`` has the steps and the invariants.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .harness import Browser, ExampleServer, serve_example
from .journeys import SEED, STEPS, WALKS, Journey, walk_seed

pytestmark = pytest.mark.browser


@pytest.fixture(
    scope="module",
    params=[(kind, mode) for kind in ("wsgi", "asgi") for mode in ("server", "page")],
    ids=lambda p: "-".join(p),
)
def example_server(request: pytest.FixtureRequest, st_core: Any) -> Iterator[ExampleServer]:
    kind, mode = request.param
    with serve_example(kind, st_core, mode) as server:
        yield server


@pytest.mark.parametrize("walk", range(WALKS), ids=lambda i: f"walk{i + 1}")
def test_random_walk_keeps_the_invariants(
    request: pytest.FixtureRequest, browser: Browser, st_core: Any, walk: int
) -> None:
    combination = "-".join(request.node.callspec.params["example_server"])
    label = (
        f"walk {walk + 1} of {combination}, JOURNEY_SEED={SEED}; replay: JOURNEY_SEED={SEED} "
        f".venv/bin/python -m pytest '{request.node.nodeid}'"
    )
    journey = Journey(browser, st_core, random.Random(walk_seed(SEED, combination, walk)), label)
    started = time.monotonic()
    journey.walk(STEPS)
    print(
        f"{label}: {sum(journey.kinds.values())} steps in {time.monotonic() - started:.1f} s: "
        f"{dict(journey.kinds)}"
    )
