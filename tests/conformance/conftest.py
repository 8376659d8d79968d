"""Fixtures of the conformance suite: the reference store (DuckDB, the samples and the edge
cases imported) and, per engine of engines.py, a backend holding a copy of every dataset."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from edge_data import import_edge_cases  # noqa: E402
from engines import ENGINES  # noqa: E402
from memo import answer_repeats_from_memory  # noqa: E402


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """``(store, [DatasetInfo])``: the bundled samples and the edge cases, imported into DuckDB."""
    from funnel.sample_datasets import ensure_samples
    from funnel.store import Store

    store = Store(":memory:")
    ids = ensure_samples(store) + import_edge_cases(store, tmp_path_factory.mktemp("edge"))
    return store, [store.info(i) for i in ids]


@pytest.fixture(scope="session", params=list(ENGINES))
def engine(request, reference):
    """``(name, backend)`` with every reference dataset copied in (same schemas and table names)."""
    from funnel.backends import connect
    from funnel.backends.transfer import copy_dataset

    spec = ENGINES[request.param]
    if spec.needs and importlib.util.find_spec(spec.needs) is None:
        pytest.skip(f"{request.param}: {spec.needs} is not installed")
    reason = spec.unavailable() if spec.unavailable else None
    if reason:
        pytest.skip(f"{request.param}: {reason}")
    store, infos = reference
    backend = connect(spec.backend, spec.url, **(spec.options or {}))
    if spec.once_per_query:
        answer_repeats_from_memory(backend)
    with store.connect() as con:
        for info in infos:
            copy_dataset(con, info, backend)
    yield request.param, backend
    backend.close()


def pytest_collection_modifyitems(items):
    """Every test on Spark goes to one xdist worker (``--dist loadgroup``, scripts/test.sh): one
    Spark JVM per test run, not one per worker."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("engine") == "spark":
            item.add_marker(pytest.mark.xdist_group("spark"))
