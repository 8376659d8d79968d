"""The engines the conformance suite runs on: ONE entry per engine.

``name -> Engine(backend, url, needs)``: ``backend`` is a name of ``funnel.backends.REGISTRY``,
``url`` what :func:`funnel.backends.connect` opens (an in-process engine for tests), ``needs``
the Python module without which the engine is skipped (not failed). DuckDB, the store's own
engine, is the reference every other engine is compared with; its entry runs the same queries
through :class:`funnel.backends.duckdb.DuckDBBackend` on a copy of the data, which checks the
copy path itself. A new engine (Spark) adds one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _spark_unavailable() -> str | None:
    from funnel.backends.spark import unavailable

    return unavailable()



@dataclass(frozen=True)
class Engine:
    backend: str
    url: str | None = None
    needs: str | None = None
    unavailable: Callable[[], str | None] | None = None  # why it cannot run here (skip), or None
    options: dict | None = None  # passed to funnel.backends.connect
    # a repeated SELECT answered from its first run (memo.answer_repeats_from_memory): for an engine
    # whose every statement costs a fixed planning time (Spark). chdb and DuckDB run every repeat:
    # answered in milliseconds (the memo would save chdb ~7 s of CPU a run, measured)
    once_per_query: bool = False


ENGINES: dict[str, Engine] = {
    "duckdb": Engine("duckdb", ":memory:", "duckdb"),
    "chdb": Engine("chdb", None, "chdb"),
    # local mode, two cores; skipped where Java is missing (CI installs openjdk-17-jre-headless)
    "spark": Engine("spark", "local[2]", "pyspark", _spark_unavailable, {"small_data": True},
                    once_per_query=True),
}
