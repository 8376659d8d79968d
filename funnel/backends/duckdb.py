"""DuckDB as a :class:`~funnel.backends.base.Backend`: the embedded default.

The store hands metric code plain DuckDB cursors (the fast path of :func:`funnel.sql.run`, no
transpiling); this class wraps one for code that wants every engine behind the same interface
(the conformance suite, ``export``). The queries are written in DuckDB's dialect: nothing to
translate, no rewrites.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from ..sql import ident, render
from .base import Backend, Params


class DuckDBBackend(Backend):
    name = "duckdb"
    dialect = "duckdb"
    rewrites = ()

    def __init__(self, con: duckdb.DuckDBPyConnection, url: str | None = None):
        self.con = con
        self.url = url

    @classmethod
    def connect(cls, url: str | None = None, **options: Any) -> DuckDBBackend:
        read_only = bool(options.get("read_only", False))
        return cls(duckdb.connect(url or ":memory:", read_only=read_only), url)

    def close(self) -> None:
        self.con.close()

    def translate(self, sql: str) -> str:
        return sql

    def execute(self, sql: str, params: Params | None = None):
        """A DuckDB cursor (it already has ``fetchone``/``fetchall``/``description``)."""
        from ..sql import run

        return run(self.con, sql, dict(params) if params else None)

    run = execute

    def _execute_native(self, sql: str, params: Params) -> pa.Table:
        return self.con.sql(sql, params=dict(params) or None).to_arrow_table()

    def fetch_arrow(self, sql: str, params: Params | None = None) -> pa.Table:
        return self._execute_native(sql, params or {})

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        self.con.execute(render("CREATE SCHEMA IF NOT EXISTS {s}", s=ident(schema)))
        self.con.register("_funnel_load", data)
        try:
            self.con.execute(render("CREATE OR REPLACE TABLE {t} AS SELECT * FROM _funnel_load",
                                    t=ident(schema, table)))
        finally:
            self.con.unregister("_funnel_load")

    def create_table_as(self, schema: str, table: str, select_sql: str, params: Params | None = None) -> None:
        self.con.execute(render("CREATE SCHEMA IF NOT EXISTS {s}", s=ident(schema)))
        self.con.execute(render("CREATE OR REPLACE TABLE {t} AS ", t=ident(schema, table)) + select_sql,
                         dict(params) if params else None)

    def drop_schema(self, schema: str) -> None:
        self.con.execute(render("DROP SCHEMA IF EXISTS {s} CASCADE", s=ident(schema)))
