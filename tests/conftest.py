"""Shared fixtures: paths, ../shared availability, throw-away stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test cleanly where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not available ({path})")
    return path


@pytest.fixture
def mem_store():
    from funnel.store import Store

    return Store(":memory:")


@pytest.fixture
def file_store(tmp_path):
    from funnel.store import Store

    return Store(tmp_path / "funnel.duckdb")
