"""Shared paths and switches for the test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
#: The shared folder with the real corpus; CI lays it beside the clone.
SHARED = Path(os.environ.get("CERTTRIAGE_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "corpus" / "real"
MISSION = SHARED / "mission" / "client-certificate-troubleshooting.txt"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the real-corpus tier where ../shared is absent (it is present in CI)."""
    if REAL.is_dir():
        return
    skip = pytest.mark.skip(reason=f"real corpus not found at {REAL}")
    for item in items:
        if "real_corpus" in item.keywords:
            item.add_marker(skip)


#: The time of analysis every test runs at (see `certtriage.clock`): reports that say when
#: they were judged read the same in two runs, whatever minute the suite crosses. A test of
#: the real clock removes it with `monkeypatch.delenv`.
TEST_NOW = "2026-12-01T00:00:00Z"


@pytest.fixture(autouse=True, scope="session")
def _fixed_time_of_analysis() -> Iterator[None]:
    previous = os.environ.get("CERTTRIAGE_NOW")
    os.environ["CERTTRIAGE_NOW"] = TEST_NOW
    yield
    if previous is None:
        os.environ.pop("CERTTRIAGE_NOW", None)
    else:
        os.environ["CERTTRIAGE_NOW"] = previous
