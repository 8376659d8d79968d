"""The engines the conformance suite runs on: ONE entry per engine.

``name -> Engine(backend, url, needs)``: ``backend`` is a name of ``funnel.backends.REGISTRY``,
``url`` what :func:`funnel.backends.connect` opens (an in-process engine for tests), ``needs``
the Python module without which the engine is skipped (not failed). DuckDB, the store's own
engine, is the reference every other engine is compared with; its entry runs the same queries
through :class:`funnel.backends.duckdb.DuckDBBackend` on a copy of the data, which checks the
copy path itself. A new engine (Spark) adds one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    backend: str
    url: str | None = None
    needs: str | None = None


ENGINES: dict[str, Engine] = {
    "duckdb": Engine("duckdb", ":memory:", "duckdb"),
    "chdb": Engine("chdb", None, "chdb"),
}
