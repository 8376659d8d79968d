"""Spark as a :class:`~funnel.backends.base.Backend` (PySpark).

Where it runs (``url``, the first argument of ``funnel.backends.connect('spark', url)``):

- ``local[2]`` / ``local[*]``: an embedded Spark in this process's JVM (the tests; Java 17 needed);
- ``spark://host:7077``, ``yarn``, ``k8s://...``: a classic cluster master; the app is the driver;
- ``sc://host:15002``: a Spark Connect server (the usual way to reach Databricks or a shared
  cluster; needs ``pip install "pyspark[connect]==4.3.0"``). A token goes in the environment,
  ``FUNNEL_BACKEND_SECRET_SPARK``, and is appended as ``;token=...``, never stored.

Queries are the DuckDB-dialect files of ``funnel/queries`` transpiled by SQLGlot plus the rewrites
of :mod:`funnel.backends.spark_rewrites`. Every session gets ``spark.sql.session.timeZone=UTC``:
stored times are wall-clock times (``TIMESTAMP_NTZ``), and a value that Spark keeps as an
instant (a user's ``TIMESTAMP`` column) is then read and compared as the same wall clock.

Parameters are Spark's named markers (``:name``, ``spark.sql(args=...)``). A ``datetime`` or
``date`` value is sent as its ISO text inside ``CAST(:name AS TIMESTAMP_NTZ)`` / ``DATE``: how
PySpark would type a Python ``datetime`` depends on the session's ``spark.sql.timestampType``
and the client's time zone; the text cast depends on neither.

Tables: a stored table (``load_arrow``, ``create_table_as``) is a Parquet table of the session
catalog, ``database.table``. In local mode the catalog is in memory and the files are kept under
``warehouse`` (``$FUNNEL_SPARK_WAREHOUSE``, default ``$FUNNEL_DATA_DIR/spark-warehouse``); each
new session registers the tables it finds there again, so an attached dataset survives a
restart. On a cluster the cluster's catalog (Hive metastore, Unity, Glue) keeps them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .base import Backend, Params
from .spark_rewrites import REWRITES

DEFAULT_URL = "local[2]"
# Small and fast for local mode (tests, one machine): a shuffle of 200 partitions for a few
# thousand rows costs seconds; the UI and its port are not needed.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.level=error",
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "1000",
}
# For tables of a few thousand rows (the tests): compiling generated code, adaptive re-planning and
# a second shuffle partition cost more than the query (measured ~3x per query on the samples).
# Not for big data: code generation is what makes Spark fast on millions of rows.
SMALL_DATA_CONF = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
}
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
}
_PLACEHOLDER = re.compile(r"('(?:[^'\\]|\\.|'')*'|`(?:[^`]|``)*`)|:(\w+)")


def java_available() -> bool:
    """A Java runtime to start local Spark with (``JAVA_HOME`` or ``java`` on the PATH)."""
    home = os.environ.get("JAVA_HOME")
    return bool((home and Path(home, "bin", "java").exists()) or shutil.which("java"))


def unavailable() -> str | None:
    """Why local Spark cannot start here (``None``: it can): the tests skip with this reason."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements.txt)"
    if not java_available():
        return "no Java runtime for local Spark (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
    return None


def default_warehouse() -> Path:
    """Local mode's table files: ``$FUNNEL_SPARK_WAREHOUSE``, else ``$FUNNEL_DATA_DIR/spark-warehouse``,
    else a temporary folder (gone with the machine's temp files)."""
    explicit = os.environ.get("FUNNEL_SPARK_WAREHOUSE")
    if explicit:
        return Path(explicit)
    data_dir = os.environ.get("FUNNEL_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "spark-warehouse"
    return Path(tempfile.mkdtemp(prefix="funnel-spark-"))


def _is_local(url: str) -> bool:
    return url.startswith("local")


def quote(name: str) -> str:
    """A Spark SQL identifier (backticks doubled inside)."""
    return "`" + name.replace("`", "``") + "`"


class SparkBackend(Backend):
    name = "spark"
    dialect = "spark"
    rewrites = REWRITES

    def __init__(self, session, url: str, warehouse: Path | None = None):
        self.spark = session
        self.url = url
        self.warehouse = warehouse

    # -- creation ----------------------------------------------------------------------------
    @classmethod
    def connect(cls, url: str | None = None, **options: Any) -> SparkBackend:
        """A session for ``url`` (see the module docstring). Options: ``conf`` (extra Spark
        settings), ``warehouse`` (local mode: where stored tables' files go), ``small_data``
        (:data:`SMALL_DATA_CONF`, the tests), ``password`` (a Spark Connect token, usually from
        ``FUNNEL_BACKEND_SECRET_SPARK``)."""
        from pyspark.sql import SparkSession

        url = url or DEFAULT_URL
        conf = {**(SMALL_DATA_CONF if options.get("small_data") else {}), **(options.get("conf") or {})}
        warehouse = None
        if url.startswith("sc://"):
            token = options.get("password")
            remote = url + (f";token={token}" if token and "token=" not in url else "")
            builder = SparkSession.builder.remote(remote)
        else:
            builder = SparkSession.builder.master(url).appName("funnel-audit")
            if _is_local(url):
                if not java_available():
                    from ..errors import FunnelError

                    raise FunnelError("spark.no_java")
                warehouse = Path(options.get("warehouse") or default_warehouse()).resolve()
                warehouse.mkdir(parents=True, exist_ok=True)
                conf = {**LOCAL_CONF, "spark.sql.warehouse.dir": str(warehouse), **conf}
            conf = {**SESSION_CONF, **conf}
            for key, value in conf.items():
                builder = builder.config(key, value)
        session = builder.getOrCreate()
        for key, value in SESSION_CONF.items():  # Spark Connect: settable per session only
            session.conf.set(key, value)
        if _is_local(url):
            session.sparkContext.setLogLevel("ERROR")
        backend = cls(session, url, warehouse)
        backend._register_warehouse()
        return backend

    def close(self) -> None:
        """Nothing: the session is the process's one Spark session, shared by every backend of
        this URL (a page run opens several); :meth:`stop` ends it."""

    def stop(self) -> None:
        self.spark.stop()

    # -- SQL ---------------------------------------------------------------------------------
    def bind(self, sql: str, params: Params) -> tuple[str, Params]:
        """Dates and times travel as ISO text cast back in the SQL (see the module docstring)."""
        typed = {}
        for key, value in params.items():
            if isinstance(value, datetime):
                typed[key] = "TIMESTAMP_NTZ"
            elif isinstance(value, date):
                typed[key] = "DATE"
        if not typed:
            return sql, params

        def sub(match: re.Match[str]) -> str:
            name = match.group(2)
            if name is None or name not in typed:
                return match.group(0)
            return f"CAST(:{name} AS {typed[name]})"

        bound = {k: (v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()) if k in typed else v
                 for k, v in params.items()}
        return _PLACEHOLDER.sub(sub, sql), bound

    def _execute_native(self, sql: str, params: Params) -> pa.Table:
        from pyspark.errors import PySparkException

        try:
            frame = self.spark.sql(sql, args=dict(params)) if params else self.spark.sql(sql)
            return frame.toArrow()
        except PySparkException as exc:
            from ..errors import FunnelError

            reason = exc.getCondition() or str(exc).splitlines()[0][:200]
            raise FunnelError("spark.query_failed", reason=reason) from exc

    # -- tables --------------------------------------------------------------------------------
    def _ensure_database(self, schema: str) -> None:
        self.spark.sql(f"CREATE DATABASE IF NOT EXISTS {quote(schema)}")

    def _table_dir(self, schema: str, table: str) -> Path:
        assert self.warehouse is not None
        return self.warehouse / schema / table

    def load_arrow(self, schema: str, table: str, data: pa.Table) -> None:
        """Create (replace) ``schema.table`` from Arrow. Local mode writes the Parquet files
        itself (pyarrow; fast, NULLs and wall-clock times kept) and registers them; a cluster
        gets the rows through ``createDataFrame`` and stores them with ``saveAsTable``."""
        data = _spark_types(data)
        self._ensure_database(schema)
        name = f"{quote(schema)}.{quote(table)}"
        self.spark.sql(f"DROP TABLE IF EXISTS {name}")
        if self.warehouse is not None:
            folder = self._table_dir(schema, table)
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            pq.write_table(data, folder / "part-0.parquet")
            self._register(schema, table, folder)
        else:
            self.spark.createDataFrame(data).write.mode("overwrite").format("parquet").saveAsTable(name)

    def register_parquet(self, schema: str, table: str, folder: str | Path) -> None:
        """Make ``schema.table`` read Parquet files already in ``folder`` (the benchmark's data)."""
        self._ensure_database(schema)
        self.spark.sql(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)}")
        self._register(schema, table, Path(folder))

    def _register(self, schema: str, table: str, folder: Path) -> None:
        location = str(folder.resolve()).replace("'", "\\'")
        self.spark.sql(f"CREATE TABLE {quote(schema)}.{quote(table)} USING parquet LOCATION '{location}'")

    def create_table_as(self, schema: str, table: str, select_sql: str, params: Params | None = None) -> None:
        """``CREATE TABLE schema.table USING parquet AS <select>`` (Spark's session catalog has no
        ``CREATE OR REPLACE`` for Parquet tables: the old one is dropped first)."""
        self._ensure_database(schema)
        name = f"{quote(schema)}.{quote(table)}"
        native, bound = self.bind(self.translate(select_sql), dict(params or {}))
        self.spark.sql(f"DROP TABLE IF EXISTS {name}")
        if self.warehouse is not None:
            folder = self._table_dir(schema, table)
            shutil.rmtree(folder, ignore_errors=True)
            location = str(folder).replace("'", "\\'")
            self.spark.sql(f"CREATE TABLE {name} USING parquet LOCATION '{location}' AS {native}", args=dict(bound))
        else:
            self.spark.sql(f"CREATE TABLE {name} USING parquet AS {native}", args=dict(bound))

    def drop_schema(self, schema: str) -> None:
        self.spark.sql(f"DROP DATABASE IF EXISTS {quote(schema)} CASCADE")
        if self.warehouse is not None:
            shutil.rmtree(self.warehouse / schema, ignore_errors=True)

    def _register_warehouse(self) -> None:
        """Local mode: tables stored by an earlier session (their folders under ``warehouse``)
        are registered again in this session's in-memory catalog."""
        if self.warehouse is None:
            return
        for folder in sorted(self.warehouse.glob("*/*")):
            if folder.is_dir() and any(folder.glob("*.parquet")):
                schema, table = folder.parent.name, folder.name
                self._ensure_database(schema)
                self.spark.sql(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)}")
                self._register(schema, table, folder)


def _spark_types(data: pa.Table) -> pa.Table:
    """Arrow columns Spark cannot take as they are: DuckDB's HUGEINT (a sum) arrives as
    ``decimal128(38, 0)``; a whole-number decimal becomes int64 (an error if a value does not fit)."""
    fields = []
    changed = False
    for field in data.schema:
        if pa.types.is_decimal(field.type) and field.type.scale == 0:
            fields.append(pa.field(field.name, pa.int64(), field.nullable))
            changed = True
        elif pa.types.is_timestamp(field.type) and field.type.unit == "ns":
            fields.append(pa.field(field.name, pa.timestamp("us", field.type.tz), field.nullable))
            changed = True
        else:
            fields.append(field)
    return data.cast(pa.schema(fields)) if changed else data

