"""Shared fixtures: paths, ../shared availability, throw-away stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# a bug on a page raises in tests (ui/errors.py shows viewers a reference and logs the traceback instead)
os.environ.setdefault("FUNNEL_RAISE_ERRORS", "1")

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


@pytest.fixture(autouse=True, scope="session")
def _bug_messages_in_reports():
    """A page test's exception message in its report: .streamlit/config.toml redacts it for viewers."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")
