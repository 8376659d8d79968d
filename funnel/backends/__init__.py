"""Backends by name: the registry and the factory (see :mod:`funnel.backends.base` for the design).

``REGISTRY`` maps a backend name to ``"module:Class"``; classes are imported on first use, so
``pyspark`` or ``chdb`` are only needed by whoever uses them. A new engine is one module with a
:class:`~funnel.backends.base.Backend` subclass and one line here.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from .base import Backend, Result, Rewrite, derived_schema

REGISTRY: dict[str, str] = {
    "duckdb": "funnel.backends.duckdb:DuckDBBackend",
    "clickhouse": "funnel.backends.clickhouse:ClickHouseServer",
    "chdb": "funnel.backends.clickhouse:ChdbBackend",
    "spark": "funnel.backends.spark:SparkBackend",
}
# Environment variable holding a secret (password, token) for an attached dataset's backend:
# the catalog keeps the URL without it. ``FUNNEL_BACKEND_SECRET_<NAME>`` (e.g. ..._CLICKHOUSE).
SECRET_ENV = "FUNNEL_BACKEND_SECRET_{name}"

__all__ = ["REGISTRY", "Backend", "Result", "Rewrite", "backend_class", "connect", "connect_dataset",
           "derived_schema", "names"]


def names() -> list[str]:
    return list(REGISTRY)


def backend_class(name: str) -> type[Backend]:
    """The class registered as ``name``; ``FunnelError('engines.unknown_backend')`` if none."""
    if name not in REGISTRY:
        from ..errors import FunnelError

        raise FunnelError("engines.unknown_backend", backend=str(name), known=", ".join(REGISTRY))
    module, _, cls = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def connect(name: str, url: str | None = None, **options: Any) -> Backend:
    """Open backend ``name`` at ``url`` (the engine's own address form, see base.py)."""
    secret = os.environ.get(SECRET_ENV.format(name=name.upper()))
    if secret and "password" not in options:
        options["password"] = secret
    return backend_class(name).connect(url, **options)


_OPEN: dict[tuple[str, str | None], Backend] = {}


def connect_dataset(engine: dict[str, Any]) -> Backend:
    """The (shared, kept open) backend of an attached dataset, from its ``meta['engine']``.

    One per (backend, url) per process: a page run asks several queries in a row and opening a
    ClickHouse client or a Spark session costs far more than a query."""
    key = (engine["backend"], engine.get("url"))
    if key not in _OPEN:
        _OPEN[key] = connect(engine["backend"], engine.get("url"))
    return _OPEN[key]
