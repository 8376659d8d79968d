"""ClickHouse as a backend: a server through ``clickhouse-connect``, or ``chdb`` in-process.

Both speak the same SQL (chdb *is* ClickHouse, embedded), so they share the translation and
the rewrites below and differ only in how a statement reaches the engine.

Session settings (every statement): ``join_use_nulls = 1`` (an unmatched LEFT JOIN column is
NULL, as in standard SQL, not ``''`` or ``0``), ``aggregate_functions_null_for_empty = 1`` (an
aggregate over no rows is NULL, not ``0``, as in DuckDB), ``session_timezone = 'UTC'``
(timestamps are stored and compared as wall-clock values: DuckDB's ``TIMESTAMP`` has no zone),
``prefer_column_name_to_alias = 1`` (``sum(amount) AS amount`` must not make every other
``amount`` of the statement that sum, as ClickHouse's global aliases otherwise do).
Tables the funnel creates keep every column ``Nullable`` (empty groups stay NULL, never ``''``).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from .base import Backend, Params, Rewrite

SETTINGS = {"join_use_nulls": 1, "aggregate_functions_null_for_empty": 1, "session_timezone": "UTC",
            "prefer_column_name_to_alias": 1}
_SETTINGS_SQL = " SETTINGS " + ", ".join(
    f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in SETTINGS.items())
_TS = "DateTime64(6)"


def _quantile(level: exp.Expression, value: exp.Expression) -> exp.Expression:
    return exp.ParameterizedAgg(this="quantileExactInclusive", expressions=[level], params=[value])


def _exact_percentile(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
            return _quantile(node.this.this, node.expression.expressions[0].this)
        if isinstance(node, exp.PercentileCont) and node.expression is not None:  # quantile_cont(x, q)
            return _quantile(node.expression, node.this)
        if isinstance(node, exp.Median):
            return _quantile(exp.Literal.number("0.5"), node.this)
        if isinstance(node, (exp.PercentileDisc, exp.ApproxQuantile)):
            raise NotImplementedError("no verified exact ClickHouse mapping for " + node.sql("duckdb"))
        return node

    return tree.transform(fix)


def _micro_timestamps(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.DataType) and node.this in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPNTZ,
                                                            exp.DType.DATETIME):
            return exp.DataType.build(f"Nullable({_TS})", dialect="clickhouse")
        return node

    return tree.transform(fix)


def _epoch_seconds(tree: exp.Expression) -> exp.Expression:
    def seconds(value: exp.Expression) -> exp.Expression:
        micro = exp.Anonymous(this="toUnixTimestamp64Micro",
                              expressions=[exp.cast(value, exp.DataType.build(f"Nullable({_TS})", dialect="clickhouse"))])
        return exp.Div(this=micro, expression=exp.Literal.number("1000000.0"))

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Extract) and node.this.name.upper() == "EPOCH":
            return seconds(node.expression)
        if isinstance(node, exp.TimeToUnix):
            return seconds(node.this)
        return node

    return tree.transform(fix)


def _trunc_timestamp(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)) and not isinstance(node.parent, exp.Cast):
            return exp.cast(node, exp.DataType.build(f"Nullable({_TS})", dialect="clickhouse"))
        return node

    return tree.transform(fix)


def _hash(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "hash":
            return exp.Anonymous(this="cityHash64", expressions=node.expressions)
        return node

    return tree.transform(fix)


def _named_columns(tree: exp.Expression) -> exp.Expression:
    """``SELECT h.deal_id`` names its column ``h.deal_id`` in ClickHouse (``deal_id`` elsewhere)."""
    for select in tree.find_all(exp.Select):
        select.set("expressions", [exp.alias_(e, e.name, quoted=True) if isinstance(e, exp.Column) and e.table
                                   and not isinstance(e.this, exp.Star) else e
                                   for e in select.expressions])
    return tree


REWRITES = (
    Rewrite("exact_percentile",
            "percentile_cont/median: SQLGlot keeps WITHIN GROUP (an error) and median() is approximate "
            "in ClickHouse; quantileExactInclusive is the same type-7 interpolation as DuckDB", _exact_percentile),
    Rewrite("micro_timestamps",
            "TIMESTAMP became DateTime (whole seconds); DuckDB keeps microseconds: DateTime64(6)", _micro_timestamps),
    Rewrite("epoch_seconds",
            "EXTRACT(EPOCH ...) became toUnixTimestamp (whole seconds); DuckDB's has the fraction", _epoch_seconds),
    Rewrite("trunc_timestamp",
            "dateTrunc returns a Date; DuckDB's date_trunc a TIMESTAMP (compared with timestamps)", _trunc_timestamp),
    Rewrite("named_columns",
            "a qualified column (h.deal_id) keeps its qualifier as its name in ClickHouse; other engines "
            "name it deal_id, which outer queries and created tables rely on", _named_columns),
    Rewrite("hash",
            "hash() does not exist in ClickHouse; cityHash64 (another function: a 1-in-k sample picks "
            "other deals, see README)", _hash),
)


def _type_of(value: Any) -> str:
    """The ClickHouse type a bound Python value is declared with (``typed parameters``)."""
    if isinstance(value, bool):
        return "Bool"
    if isinstance(value, int):
        return "Int64"
    if isinstance(value, float):
        return "Float64"
    if isinstance(value, datetime):
        return _TS
    if isinstance(value, date):
        return "Date"
    return "String"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class _ClickHouse(Backend):
    dialect = "clickhouse"
    rewrites = REWRITES

    def bind(self, sql: str, params: Params) -> tuple[str, Params]:
        """``{name: }`` -> ``{name:Type}`` by the value's Python type; a NULL value becomes the
        constant ``NULL`` (ClickHouse binds ``None`` as the text 'NULL')."""
        bound = {}
        for name, value in params.items():
            marker = "{" + name + ": }"
            if marker not in sql:
                continue
            if value is None:
                sql = sql.replace(marker, "NULL")
            else:
                sql = sql.replace(marker, "{" + name + ":" + _type_of(value) + "}")
                bound[name] = _value(value)
        return sql, bound

    def execute_ddl(self, sql: str) -> None:
        """A statement written in ClickHouse's own SQL (DDL the funnel builds with :func:`ident`)."""
        self._execute_native(sql, {})

    def _create_database(self, schema: str) -> None:
        self.execute_ddl(f"CREATE DATABASE IF NOT EXISTS {_q(schema)}")

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        self._create_database(schema)
        columns = ", ".join(f"{_q(f.name)} {_ch_type(f.type)}" for f in data.schema)
        target = f"{_q(schema)}.{_q(table)}"
        self.execute_ddl(f"DROP TABLE IF EXISTS {target}")
        self.execute_ddl(f"CREATE TABLE {target} ({columns}) ENGINE = MergeTree ORDER BY tuple()")
        if data.num_rows:
            self._insert_arrow(schema, table, _naive(data))

    def create_table_as(self, schema: str, table: str, select_sql: str, params: Params | None = None) -> None:
        self._create_database(schema)
        target = f"{_q(schema)}.{_q(table)}"
        native, bound = self.bind(self.translate(select_sql), dict(params or {}))
        self.execute_ddl(f"DROP TABLE IF EXISTS {target}")
        self._execute_native(f"CREATE TABLE {target} ENGINE = MergeTree ORDER BY tuple() AS {native}", bound)

    def drop_schema(self, schema: str) -> None:
        self.execute_ddl(f"DROP DATABASE IF EXISTS {_q(schema)}")

    def _insert_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        raise NotImplementedError


def _q(name: str) -> str:
    """A ClickHouse identifier (backticks; the SQL the funnel writes itself, not transpiled)."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _ch_type(typ: pa.DataType) -> str:
    """Nullable ClickHouse type of an Arrow column: every canonical column may be NULL."""
    if pa.types.is_boolean(typ):
        inner = "Bool"
    elif pa.types.is_integer(typ):
        inner = "Int64"
    elif pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        inner = "Float64"
    elif pa.types.is_timestamp(typ):
        inner = _TS
    elif pa.types.is_date(typ):
        inner = "Date32"
    else:
        inner = "String"
    return f"Nullable({inner})"


def _naive(table: pa.Table) -> pa.Table:
    """Timestamps with a zone (ClickHouse's, always UTC here) as DuckDB hands them: naive, UTC
    wall-clock; decimals as floats."""
    columns, changed = [], False
    for field, col in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) and (field.type.tz is not None or field.type.unit != "us"):
            col, changed = pc.cast(col.cast(pa.timestamp(field.type.unit, "UTC")), pa.timestamp("us")), True
        elif pa.types.is_decimal(field.type):
            col, changed = pc.cast(col, pa.float64()), True
        columns.append(col)
    return pa.Table.from_arrays(columns, names=table.column_names) if changed else table


class ChdbBackend(_ClickHouse):
    """ClickHouse embedded (``chdb``) on a data folder (``None``: this process's temporary one).

    chdb runs one session per process: backends on different folders take turns (the session is
    reopened on the folder of the backend that runs a statement; the data stays on disk)."""

    name = "chdb"

    def __init__(self, path: str):
        self.url = path

    @classmethod
    def connect(cls, url: str | None = None, **options: Any) -> ChdbBackend:
        if not url or url == ":memory:":
            if "default" not in _SESSIONS:
                _SESSIONS["default"] = tempfile.mkdtemp(prefix="funnel-chdb-")
                atexit.register(_remove_default)
            return cls(_SESSIONS["default"])
        return cls(url)

    def _execute_native(self, sql: str, params: Params) -> pa.Table:
        session = _session(str(self.url))
        result = session.query(sql + _SETTINGS_SQL, "ArrowTable", params=dict(params) or None)
        return _naive(result) if isinstance(result, pa.Table) else pa.table({})

    def _insert_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        import pyarrow.parquet as pq

        with tempfile.NamedTemporaryFile(suffix=".parquet") as tmp:
            pq.write_table(data, tmp.name)
            path = "'" + tmp.name.replace("\\", "\\\\").replace("'", "\\'") + "'"
            self.execute_ddl(f"INSERT INTO {_q(schema)}.{_q(table)} SELECT * FROM file({path}, Parquet)")


_SESSIONS: dict[str, Any] = {}  # "default": the temporary folder; "open": (folder, session)


def _remove_default() -> None:
    """The in-memory backend's temporary folder, at the process's exit (its session closed first)."""
    current = _SESSIONS.pop("open", None)
    if current is not None:
        current[1].close()
    shutil.rmtree(_SESSIONS.pop("default"), ignore_errors=True)


def _session(path: str) -> Any:
    """The process's chdb session, on ``path`` (reopened there if another folder had it)."""
    from chdb import session as chdb_session

    current = _SESSIONS.get("open")
    if current is None or current[0] != path:
        if current is not None:
            current[1].close()
        _SESSIONS["open"] = (path, chdb_session.Session(path))
    return _SESSIONS["open"][1]


class ClickHouseServer(_ClickHouse):
    """A ClickHouse server through ``clickhouse-connect`` (HTTP): ``http(s)://user@host:8123/db``."""

    name = "clickhouse"

    def __init__(self, url: str, client: Any):
        self.url = url
        self.client = client

    @classmethod
    def connect(cls, url: str | None = None, **options: Any) -> ClickHouseServer:
        import clickhouse_connect

        client = clickhouse_connect.get_client(dsn=url or "http://localhost:8123", settings=SETTINGS, **options)
        return cls(url or "http://localhost:8123", client)

    def close(self) -> None:
        self.client.close()

    def _execute_native(self, sql: str, params: Params) -> pa.Table:
        return _naive(self.client.query_arrow(sql, parameters=dict(params) or None))

    def execute_ddl(self, sql: str) -> None:
        self.client.command(sql)

    def _insert_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        self.client.insert_arrow(table, data, database=schema)

