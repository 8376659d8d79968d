"""The backend boundary: one small interface behind which a dataset's SQL runs.

A *backend* is a connection-like object to one SQL engine: DuckDB (the embedded default, the
store file), ClickHouse (``clickhouse-connect`` to a server, or ``chdb`` in-process: the same
engine, used by the tests) and Spark (PySpark: ``local[*]``, a master URL or Spark Connect
``sc://``). Metric code never knows which one it talks to: it calls
:func:`funnel.sql.run` / ``fetch_frame`` / ``fetch_dicts`` with ``con`` being either a DuckDB
connection (fast path, unchanged) or a :class:`Backend`, which those functions dispatch to.

Creating a backend
    ``funnel.backends.connect(name, url, **options)`` looks ``name`` up in the registry
    (:data:`funnel.backends.REGISTRY`: ``duckdb``, ``clickhouse``, ``chdb``, ``spark``; imported
    lazily, so an engine's client library is only needed when it is used) and calls
    :meth:`Backend.connect` of that class. ``url`` is the engine's own address:
    ``duckdb``: a file path or ``:memory:``; ``clickhouse``: ``http(s)://user:pw@host:8123/db``;
    ``chdb``: a folder for the embedded engine's data (``None``/``:memory:``: a temporary one);
    ``spark``: ``local[2]``, ``spark://host:7077``, ``yarn`` or ``sc://host:15002``. A dataset
    attached from a warehouse keeps ``{"backend": name, "url": url, "tables": {...}}`` in its
    catalog ``meta["engine"]`` (never a password: that comes from the environment, see
    :func:`funnel.backends.connect_dataset`).

One SQL source, transpiled
    Every query is written once, in DuckDB's dialect, in ``funnel/queries/*.sql`` (values as
    ``$name`` parameters, tables as ``{deals}`` placeholders filled by :func:`funnel.sql.render`
    with DuckDB-quoted identifiers). :meth:`Backend.translate` parses the rendered text with
    SQLGlot (``read='duckdb'``), applies the backend's :attr:`Backend.rewrites` to the tree, then
    writes it in :attr:`Backend.dialect`. The result is cached per (backend class, SQL text):
    a page asks the same few queries over and over, and transpiling costs ~1 ms each.

Per-backend rewrites
    SQLGlot raises no error for some statements it turns into *different* SQL, so each backend
    lists the fixes it needs as :class:`Rewrite` entries (name, one line why, a function over the
    SQLGlot tree) in its module (``clickhouse.py``: ``REWRITES``; ``spark.py`` likewise). The
    list is short on purpose and shown in the README; every entry has a test in
    ``tests/unit/test_backend_rewrites.py`` that transpiles a statement and checks the rewrite
    took place, and the conformance suite (``tests/conformance/``) checks the numbers.

Parameters
    Queries bind values by name (``$pipeline``). :meth:`Backend.translate` leaves a
    dialect-specific placeholder (ClickHouse ``{name: }``, Spark ``:name``); :meth:`Backend.bind`
    turns it into what the engine needs for *these* values (ClickHouse: ``{name:Type}`` with the
    type taken from the Python value: ``str`` -> ``String``, ``int`` -> ``Int64``, ``float`` ->
    ``Float64``, ``bool`` -> ``Bool``, ``datetime`` -> ``DateTime64(6)``, ``date`` -> ``Date``,
    ``None`` -> ``Nullable(String)``). Values never enter the SQL text.

Fetching
    :meth:`Backend.execute` returns a :class:`Result`: a cursor-like view over an Arrow table
    (``fetchone``, ``fetchall``, ``description``, ``arrow()``, ``df()``), so code written for a
    DuckDB cursor works unchanged. Engines hand back Arrow natively (DuckDB, chdb,
    clickhouse-connect ``query_arrow``, Spark ``toArrow``).

Table names
    A stored dataset lives in the store's DuckDB file, schema ``ds_<id>``
    (:func:`funnel.sql.dataset_tables`). An attached dataset's derived tables live on its backend
    in a database the funnel owns, ``funnel_ds_<id>`` (:func:`derived_schema`), built once at
    attach by ``funnel/queries/derive_*.sql`` from the user's tables, which are only read.
    :meth:`Backend.table_names` gives the DuckDB-quoted identifiers :func:`funnel.sql.render`
    puts into a query (the transpiler re-quotes them for the engine).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import pyarrow as pa

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Rewrite:
    """One documented fix a backend applies to the SQLGlot tree before writing its dialect."""

    name: str  # short id, shown in the README and used by its test
    why: str  # one line: what SQLGlot would otherwise produce and why that is wrong
    apply: Callable[[Any], Any]  # sqlglot Expression -> Expression (use ``tree.transform``)


class Result:
    """A finished query's rows, shaped like a DB-API cursor (what metric code expects)."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.description = [(name, str(typ), None, None, None, None, None)
                            for name, typ in zip(table.column_names, table.schema.types, strict=True)]
        self._rows: list[tuple] | None = None
        self._next = 0

    def _all(self) -> list[tuple]:
        if self._rows is None:
            columns = [col.to_pylist() for col in self.table.columns]
            self._rows = list(zip(*columns, strict=True)) if columns else []
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self._all()
        if self._next >= len(rows):
            return None
        self._next += 1
        return rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rows = self._all()
        out, self._next = rows[self._next:], len(rows)
        return out

    def arrow(self) -> pa.Table:
        return self.table

    def fetchnumpy(self) -> dict[str, Any]:
        """Column name -> numpy array (as DuckDB's ``fetchnumpy``)."""
        return {name: col.to_numpy(zero_copy_only=False)
                for name, col in zip(self.table.column_names, self.table.columns, strict=True)}

    def df(self):
        return self.table.to_pandas()


class Backend(ABC):
    """A connection to one engine. Subclasses set :attr:`name`, :attr:`dialect`,
    :attr:`rewrites` and implement :meth:`connect`, :meth:`_execute_native`, :meth:`load_arrow`."""

    funnel_backend: ClassVar[bool] = True  # what funnel.sql.run dispatches on (no import needed there)
    name: ClassVar[str]  # registry key
    dialect: ClassVar[str]  # SQLGlot dialect written for this engine
    rewrites: ClassVar[tuple[Rewrite, ...]] = ()

    url: str | None = None

    # -- creation ----------------------------------------------------------------------------
    @classmethod
    @abstractmethod
    def connect(cls, url: str | None = None, **options: Any) -> Backend:
        """Open the engine at ``url`` (see the module docstring for each backend's URL form)."""

    def close(self) -> None:  # noqa: B027 - optional for backends with nothing to release
        """Release the engine's resources (no-op by default)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> Backend:
        """The backend itself: code that takes ``con.cursor()`` keeps working."""
        return self

    # -- SQL ---------------------------------------------------------------------------------
    def translate(self, sql: str) -> str:
        """``sql`` (DuckDB dialect, rendered) in this backend's dialect, rewrites applied. Cached."""
        return _translate(type(self), sql)

    def bind(self, sql: str, params: Params) -> tuple[str, Params]:
        """The engine's SQL and parameters for these values (default: unchanged)."""
        return sql, params

    @abstractmethod
    def _execute_native(self, sql: str, params: Params) -> pa.Table:
        """Run one statement already in this dialect, parameters bound by name; rows as Arrow."""

    def execute(self, sql: str, params: Params | None = None) -> Result:
        """Run one DuckDB-dialect statement: translate (cached), bind, execute."""
        native, bound = self.bind(self.translate(sql), dict(params or {}))
        return Result(self._execute_native(native, bound))

    run = execute

    def fetch_arrow(self, sql: str, params: Params | None = None) -> pa.Table:
        return self.execute(sql, params).arrow()

    def fetch_frame(self, sql: str, params: Params | None = None):
        return self.fetch_arrow(sql, params).to_pandas()

    def fetch_dicts(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        return self.fetch_arrow(sql, params).to_pylist()

    # -- tables --------------------------------------------------------------------------------
    def table_names(self, schema: str, tables: Sequence[str]) -> dict[str, str]:
        """DuckDB-quoted identifiers ``schema.table`` for :func:`funnel.sql.render`."""
        from ..sql import ident

        return {t: ident(schema, t) for t in tables}

    @abstractmethod
    def load_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        """Create (replace) ``schema.table`` from Arrow, keeping NULLs NULL (tests, export, attach)."""

    @abstractmethod
    def create_table_as(self, schema: str, table: str, select_sql: str, params: Params | None = None) -> None:
        """Create (replace) ``schema.table`` from a DuckDB-dialect SELECT run on this engine."""

    @abstractmethod
    def drop_schema(self, schema: str) -> None:
        """Drop a schema/database the funnel created (``funnel_ds_<id>``), if it exists."""


def derived_schema(dataset_id: int) -> str:
    """The database an attached dataset's derived tables live in, on its backend."""
    return f"funnel_ds_{int(dataset_id)}"


@lru_cache(maxsize=2048)
def _translate(backend: type[Backend], sql: str) -> str:
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    for rewrite in backend.rewrites:
        tree = rewrite.apply(tree)
    return tree.sql(dialect=backend.dialect)
