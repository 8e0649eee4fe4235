"""The short load run (issue 6): 64 clients for 20 s mixing cheap queries, page views and attacks.

The full 60 s run is ``tests/load/loadgen.py``; its figures are in docs/security.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from canary import Canary
from conftest import Server
from hostile import start_hostile
from loadgen import run

SHORT_SECONDS = 20
LOAD_SERVE_ARGS = ("--query-timeout", "2", "--query-workers", "8")


@pytest.fixture(scope="module")
def loaded(state_dir: Path, tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Iterator[Server]:
    server = start_hostile(state_dir, tmp_path_factory.mktemp("load"), canary, *LOAD_SERVE_ARGS)
    yield server
    server.stop()


@pytest.mark.slow
def test_short_load_run(loaded: Server, canary: Canary) -> None:
    report = asyncio.run(run(loaded.url, loaded.process.pid, clients=64, seconds=SHORT_SECONDS, hostile=4))
    assert report.verdict == [], report
    assert report.statuses["cheap"].get("200", 0) > 100
    canary.assert_untouched()
