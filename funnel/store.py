"""The store: one DuckDB file holding named datasets (``$FUNNEL_DATA_DIR/funnel.duckdb``).

DuckDB allows one writing process per file, and within a process many connections. So:

- each operation gets its own connection (a cursor of the store's database) and closes it after;
  the database itself is opened once and kept open while operations follow each other, then
  released after ``_LINGER_SECONDS`` without any (opening the file costs ~20 ms and its block
  cache is lost on close: a page run makes several engine calls in a row, each would pay it).
  Trade-off: another process (the CLI) finds the file locked for up to ``_LINGER_SECONDS``
  after the app's last operation, not only during one; a process that finds the file locked
  retries for ``_BUSY_WAIT_SECONDS`` and then fails with the code ``store.busy`` instead of
  corrupting anything;
- within a process, writes are serialised by a lock, and dataset ids come from a sequence, so
  two sessions importing at once each get their own dataset;
- an import writes its dataset in ONE transaction (schema ``ds_<id>``, its tables, and the catalog
  row): a failed or killed import leaves every stored dataset as it was (DuckDB rolls the
  unfinished transaction back from its write-ahead log).

``Store(":memory:")`` is a throw-away store for the CLI's file mode and for tests.
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from .capabilities import derive as derive_capabilities
from .dataset import DatasetInfo
from .errors import FunnelError
from .schema import CATALOG_DDL, MAPPINGS_DDL, TABLES
from .sql import dataset_tables, fetch_dicts, ident, render, run

DEFAULT_DIR = "data"
STORE_FILE = "funnel.duckdb"
_WRITE_LOCK = threading.Lock()
_BUSY_WAIT_SECONDS = 20.0
_LINGER_SECONDS = 3.0  # keep the file open this long after the last operation (< _BUSY_WAIT_SECONDS)
_COPY = "CREATE TABLE {target} AS SELECT * FROM {source}"
# DuckDB's memory budget for the store file (``FUNNEL_MEMORY_LIMIT``, DuckDB syntax: ``400MB``,
# ``2GB``; ``none`` = DuckDB's default of 80 % of RAM). An import's staged and intermediate
# tables beyond it go to a temp folder next to the store file instead of growing the process:
# at 10M deals, memory is capped near the budget rather than ~11 GB, for some extra seconds.
DEFAULT_MEMORY_LIMIT = "400MB"


def memory_limit() -> str | None:
    value = os.environ.get("FUNNEL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT).strip()
    return None if value.lower() in ("", "none") else value


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    limit = memory_limit()
    try:
        return duckdb.connect(str(path), config={"memory_limit": limit} if limit else {})
    except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
        raise FunnelError("store.bad_memory_limit", value=limit) from exc


def default_store_path() -> Path:
    return Path(os.environ.get("FUNNEL_DATA_DIR") or DEFAULT_DIR) / STORE_FILE


class Store:
    def __init__(self, path: str | Path | None = None):
        self.memory = str(path) == ":memory:"
        self.path = ":memory:" if self.memory else Path(path or default_store_path())
        self._mem_con: duckdb.DuckDBPyConnection | None = None
        self._file_con: duckdb.DuckDBPyConnection | None = None  # the open database, while in use
        self._users = 0
        self._idle_since = 0  # bumped by every operation: a release timer only acts if it is current
        self._file_lock = threading.Lock()
        self._derived: dict[tuple[int, int], dict[str, Any]] = {}  # capabilities of old datasets
        if not self.memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            run(con, "CREATE SEQUENCE IF NOT EXISTS dataset_ids START 1")
            run(con, CATALOG_DDL)
            run(con, MAPPINGS_DDL)

    # -- connections -----------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation: a cursor of the store's database, closed after it."""
        if self.memory:
            if self._mem_con is None:
                self._mem_con = duckdb.connect(":memory:")
            cur = self._mem_con.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        cur = self._acquire()
        try:
            yield cur
        finally:
            cur.close()
            self._release()

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._file_lock:
            if self._file_con is None:
                self._file_con = self._open_file()
            self._users += 1
            self._idle_since += 1
            return self._file_con.cursor()

    def _release(self) -> None:
        with self._file_lock:
            self._users -= 1
            if self._users:
                return
            self._idle_since += 1
            # the timer holds the store weakly: a dropped Store closes its database at once
            timer = threading.Timer(_LINGER_SECONDS, _close_if_idle, (weakref.ref(self), self._idle_since))
            timer.daemon = True
            timer.start()

    def close(self) -> None:
        """Close the database now if no operation is running (it reopens on the next one)."""
        with self._file_lock:
            if self._file_con is not None and not self._users:
                self._file_con.close()
                self._file_con = None

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + _BUSY_WAIT_SECONDS
        while True:
            try:
                return _connect(self.path)
            except duckdb.IOException as exc:  # another process holds the file lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise FunnelError("store.busy", path=str(self.path)) from exc
                time.sleep(0.2)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for a write, serialised with every other write of this process."""
        with _WRITE_LOCK, self.connect() as con:
            yield con

    # -- catalog ---------------------------------------------------------------------------
    def datasets(self) -> list[dict[str, Any]]:
        with self.connect() as con:
            rows = fetch_dicts(con, "SELECT * FROM datasets ORDER BY id")
        for row in rows:
            row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
        return rows

    def info(self, dataset_id: int) -> DatasetInfo:
        row = self.row(dataset_id)
        meta = row["meta"]
        if "capabilities" not in meta:  # imported before capabilities were stored: derive on read
            meta["capabilities"] = self._derived_capabilities(row)
        return DatasetInfo(row["id"], row["name"], row["version"], row["shape"], meta)

    def _derived_capabilities(self, row: dict[str, Any]) -> dict[str, Any]:
        key = (row["id"], row["version"])
        if key not in self._derived:
            with self.connect() as con:
                caps = derive_capabilities(con, dataset_tables(row["id"]), row["shape"], row["meta"])
            self._derived[key] = caps.to_json()
        return self._derived[key]

    def row(self, dataset_id: int) -> dict[str, Any]:
        with self.connect() as con:
            rows = fetch_dicts(con, "SELECT * FROM datasets WHERE id = $id", {"id": int(dataset_id)})
        if not rows:
            raise FunnelError("store.no_dataset", dataset=dataset_id)
        row = rows[0]
        row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
        return row

    def resolve(self, ref: str | int) -> DatasetInfo:
        """A dataset by id or by exact name (the CLI accepts both)."""
        text = str(ref).strip()
        if text.isdigit():
            return self.info(int(text))
        for row in self.datasets():
            if row["name"] == text:
                return self.info(row["id"])
        raise FunnelError("store.no_dataset", dataset=text)

    def find_by_hash(self, source_hash: str) -> dict[str, Any] | None:
        for row in self.datasets():
            if row["source_hash"] == source_hash:
                return row
        return None

    def rename(self, dataset_id: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise FunnelError("store.empty_name")
        self.row(dataset_id)
        with self.writing() as con:
            run(con, "UPDATE datasets SET name = $name WHERE id = $id", {"name": name, "id": int(dataset_id)})

    def delete(self, dataset_id: int) -> None:
        self.row(dataset_id)
        with self.writing() as con:
            run(con, "BEGIN TRANSACTION")
            try:
                run(con, render("DROP SCHEMA IF EXISTS {schema} CASCADE", schema=ident(f"ds_{int(dataset_id)}")))
                run(con, "DELETE FROM datasets WHERE id = $id", {"id": int(dataset_id)})
                run(con, "COMMIT")
            except Exception:
                run(con, "ROLLBACK")
                raise

    # -- remembered mappings ------------------------------------------------------------------
    def remembered_mapping(self, header_key: str) -> str | None:
        with self.connect() as con:
            row = run(
                con, "SELECT mapping FROM remembered_mappings WHERE header_key = $k", {"k": header_key}
            ).fetchone()
        return row[0] if row else None

    def remember_mapping(self, header_key: str, mapping_json: str) -> None:
        with self.writing() as con:
            run(
                con,
                "INSERT OR REPLACE INTO remembered_mappings VALUES ($k, $m, $t)",
                {"k": header_key, "m": mapping_json, "t": datetime.now()},
            )

    # -- saving an import ----------------------------------------------------------------------
    def save(self, con: duckdb.DuckDBPyConnection, built: dict[str, Any]) -> DatasetInfo:
        """Store the temp tables ``built['tables']`` of ``con`` as a new dataset, atomically.

        ``con`` must be a connection of this store (the importer builds its temp tables there).
        """
        with _WRITE_LOCK:
            dataset_id = run(con, "SELECT nextval('dataset_ids')").fetchone()[0]
            schema = f"ds_{dataset_id}"
            run(con, "BEGIN TRANSACTION")
            try:
                run(con, render("CREATE SCHEMA {schema}", schema=ident(schema)))
                for table in TABLES:
                    source = built["tables"][table]
                    run(con, render(_COPY, target=ident(schema, table), source=ident(source)))
                run(
                    con,
                    """INSERT INTO datasets VALUES ($id, $name, $source_file, $source_hash, $history_file,
                       $imported_at, $shape, $rows_read, $rows_rejected, $n_deals, $n_events, 1, $meta)""",
                    {
                        "id": dataset_id,
                        "name": built["name"],
                        "source_file": built["source_file"],
                        "source_hash": built["source_hash"],
                        "history_file": built.get("history_file"),
                        "imported_at": datetime.now(),
                        "shape": built["shape"],
                        "rows_read": built["rows_read"],
                        "rows_rejected": built["rows_rejected"],
                        "n_deals": built["n_deals"],
                        "n_events": built["n_events"],
                        "meta": json.dumps(built["meta"], ensure_ascii=False),
                    },
                )
                run(con, "COMMIT")
            except Exception:
                run(con, "ROLLBACK")
                raise
        return DatasetInfo(dataset_id, built["name"], 1, built["shape"], built["meta"])


def _close_if_idle(ref: weakref.ref[Store], idle_since: int) -> None:
    store = ref()
    if store is None:
        return
    with store._file_lock:
        if store._idle_since == idle_since and not store._users and store._file_con is not None:
            store._file_con.close()
            store._file_con = None
