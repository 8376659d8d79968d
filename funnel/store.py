"""The store: one DuckDB file holding named datasets (``$FUNNEL_DATA_DIR/funnel.duckdb``).

DuckDB allows one writing process per file, and within a process many connections. So:

- each operation gets its own connection (a cursor of the store's database) and closes it after;
  the database itself is opened once per process and **stays open** while no other process
  needs the file: a page run never pays for opening it (~20-100 ms) nor for a cold block cache.
  Cursors are independent DuckDB connections of one database instance, so readers in different
  threads (sessions) run their queries at the same time, and beside an import writing in its own
  cursor (MVCC: a reader sees the store as of its query's start); no lock of this module is held
  while a query runs;
- **another process that wants the file goes first**: it announces itself with a marker file
  next to the store (``funnel.duckdb.writer.<pid>``: the CLI's ``import`` does so up front, any
  other process as soon as it finds the file locked) and then waits up to
  ``CLI_BUSY_WAIT_SECONDS`` for the file. A process that sees a live marker closes the file as
  soon as its running operations end (a watcher thread looks every ``_WATCH_SECONDS`` while the
  file is open and idle) and holds new operations back until the other is done; so the CLI gets
  the file within one page run, not never. Operations held
  back longer than ``busy_wait`` (default ``_BUSY_WAIT_SECONDS``, short: a page must not hang)
  fail with the code ``store.busy``, which pages show as a translated line
  (``ui.errors.store_errors``) — never a traceback; nothing is corrupted either way. An operation
  already running in a thread may open nested ones (the importer asks for a remembered mapping
  inside its connection);
- within a process, writes are serialised by a lock, and dataset ids come from a sequence, so
  two sessions importing at once each get their own dataset;
- an import writes its dataset in ONE transaction (schema ``ds_<id>``, its tables, and the catalog
  row): a failed or killed import leaves every stored dataset as it was (DuckDB rolls the
  unfinished transaction back from its write-ahead log); after an import or a delete the
  write-ahead log is checkpointed into the file, so a copy of ``funnel.duckdb`` alone is a
  complete backup;
- ``FUNNEL_READ_ONLY=1`` (or ``Store(read_only=True)``) opens the file read-only and refuses every
  write with ``store.read_only``; on an empty data folder it writes nothing at all (an empty
  in-memory catalog stands in for the missing file).

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
from .capabilities import needs_deriving
from .dataset import DatasetInfo
from .errors import FunnelError
from .schema import CATALOG_DDL, MAPPINGS_DDL
from .sql import dataset_tables, fetch_dicts, ident, render, restore_budget, run

DEFAULT_DIR = "data"
STORE_FILE = "funnel.duckdb"
_WRITE_LOCK = threading.Lock()
_BUSY_WAIT_SECONDS = 8.0  # a page waits this long for another process, then says "busy"
CLI_BUSY_WAIT_SECONDS = 600.0  # a CLI command waits this long (the app lets it in between page runs)
_WATCH_SECONDS = 0.25  # how often an open, idle store looks for another process waiting for the file
WRITER_SUFFIX = ".writer"
_DEPTH = threading.local()  # operations this thread holds open (nested ones never wait for a writer)
_COPY = "CREATE TABLE {target} AS SELECT * FROM {source}"
# DuckDB's memory budget for the store file (``FUNNEL_MEMORY_LIMIT``, DuckDB syntax: ``400MB``,
# ``2GB``; ``none`` = DuckDB's default of 80 % of RAM). An import's staged and intermediate
# tables beyond it go to a temp folder next to the store file instead of growing the process:
# at 10M deals, memory is capped near the budget rather than ~11 GB, for some extra seconds.
DEFAULT_MEMORY_LIMIT = "400MB"


def memory_limit() -> str | None:
    value = os.environ.get("FUNNEL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT).strip()
    return None if value.lower() in ("", "none") else value


def _connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    limit = memory_limit()
    try:
        return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": limit} if limit else {})
    except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
        raise FunnelError("store.bad_memory_limit", value=limit) from exc


def default_store_path() -> Path:
    return Path(os.environ.get("FUNNEL_DATA_DIR") or DEFAULT_DIR) / STORE_FILE


def read_only_env() -> bool:
    """``FUNNEL_READ_ONLY=1``: a shared read-only view; no process of this installation writes."""
    return os.environ.get("FUNNEL_READ_ONLY", "").strip().lower() in ("1", "true", "yes")


def writer_marker(path: str | Path, pid: int) -> Path:
    """The file by which process ``pid`` announces that it waits to write the store at ``path``."""
    return Path(f"{path}{WRITER_SUFFIX}.{pid}")


PRIORITY_MARK = "priority"  # a writer_priority marker's text; the app's plea to let go (_open_file) is empty


@contextmanager
def writer_priority(path: str | Path) -> Iterator[None]:
    """Announce a writing process (the CLI) so that the app lets go of the store for it.
    One marker per process: two CLI imports at once never remove each other's."""
    marker = writer_marker(path, os.getpid())
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(PRIORITY_MARK)
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def _priority_key(marker: Path) -> tuple[int, int] | None:
    """(when, pid) of a writer_priority marker, None for any other (or one just removed)."""
    try:
        if marker.read_text() != PRIORITY_MARK:
            return None
        return marker.stat().st_mtime_ns, int(marker.suffix[1:])
    except (OSError, ValueError):
        return None


def _writer_waiting(path: Path) -> bool:
    """A live process other than this one announced a write (a killed one's marker is ignored).

    Two announced writers (two CLI imports into one folder at once) go in the order they announced
    themselves: the later one's marker does not hold up the earlier (each waited for the other's, and
    both waited until "busy", a reference audit of session 46). The app's plea to let go holds up
    everyone, as before."""
    mine = _priority_key(writer_marker(path, os.getpid()))
    for marker in path.parent.glob(path.name + WRITER_SUFFIX + ".*"):
        try:
            pid = int(marker.suffix[1:])
        except ValueError:
            continue
        if pid == os.getpid() or not _alive(pid):
            continue
        theirs = _priority_key(marker) if mine is not None else None
        if theirs is None or theirs < mine:
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    def __init__(self, path: str | Path | None = None, *, read_only: bool | None = None,
                 busy_wait: float = _BUSY_WAIT_SECONDS):
        self.read_only = read_only_env() if read_only is None else read_only
        self.busy_wait = busy_wait
        self.memory = str(path) == ":memory:"
        file_path = Path(path or default_store_path()) if not self.memory else Path()
        self.path: str | Path = ":memory:" if self.memory else file_path
        if self.read_only and not self.memory and not file_path.exists():
            self.memory = True  # nothing stored yet, and nothing may be written: an empty catalog
        self._mem_con: duckdb.DuckDBPyConnection | None = None
        self._file_con: duckdb.DuckDBPyConnection | None = None  # the open database, while in use
        self._users = 0
        self._opened = 0  # times the database was opened: a watcher thread serves one opening only
        self._file_lock = threading.Lock()
        self._derived: dict[tuple[int, int], dict[str, Any]] = {}  # capabilities of old datasets
        if not self.memory:
            file_path.parent.mkdir(parents=True, exist_ok=True)
        if self.memory or not self.read_only:
            with self.connect() as con:
                run(con, "CREATE SEQUENCE IF NOT EXISTS dataset_ids START 1")
                run(con, CATALOG_DDL)
                run(con, MAPPINGS_DDL)

    # -- connections -----------------------------------------------------------------------
    @contextmanager
    def connect(self, dataset: DatasetInfo | None = None) -> Iterator[Any]:
        """A connection for one operation: a cursor of the store's database, closed after it.

        For a dataset attached from a warehouse (``dataset.engine``, funnel/backends/attach.py)
        the connection is that dataset's backend instead (kept open, shared: see
        :func:`funnel.backends.connect_dataset`); metric code runs on either unchanged."""
        if dataset is not None and dataset.engine:
            from .backends import connect_dataset

            yield connect_dataset(dataset.engine)
            return
        if self.memory:
            if self._mem_con is None:
                self._mem_con = duckdb.connect(":memory:")
            cur = self._mem_con.cursor()
            try:
                yield cur
            finally:
                cur.close()
                restore_budget(self._mem_con)
            return
        cur = self._acquire()
        try:
            yield cur
        finally:
            cur.close()
            if self._file_con is not None:
                restore_budget(self._file_con)  # a retried read's larger budget (funnel/sql.py)
            self._release()

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.busy_wait
        nested = getattr(_DEPTH, "n", 0) > 0
        while True:
            with self._file_lock:
                if nested or not _writer_waiting(Path(self.path)):
                    if self._file_con is None:
                        self._file_con = self._open_file(deadline)
                        self._opened += 1
                        _start_watcher(self, self._opened)
                    self._users += 1
                    _DEPTH.n = getattr(_DEPTH, "n", 0) + 1
                    return self._file_con.cursor()
                if self._file_con is not None and not self._users:
                    self._close_now()  # another process waits to write: let it in now
            if time.monotonic() > deadline:
                raise FunnelError("store.busy", path=str(self.path))
            time.sleep(0.1)

    def _release(self) -> None:
        with self._file_lock:
            self._users -= 1
            _DEPTH.n = getattr(_DEPTH, "n", 1) - 1
            if not self._users and _writer_waiting(Path(self.path)):
                self._close_now()

    def close(self) -> None:
        """Close the database now if no operation is running (it reopens on the next one)."""
        with self._file_lock:
            if self._file_con is not None and not self._users:
                self._close_now()

    def _close_now(self) -> None:
        self._file_con.close()
        self._file_con = None

    def _open_file(self, deadline: float) -> duckdb.DuckDBPyConnection:
        marker = writer_marker(Path(self.path), os.getpid())
        announced = False
        try:
            while True:
                try:
                    return _connect(Path(self.path), read_only=self.read_only)
                except duckdb.IOException as exc:  # another process holds the file lock
                    if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                        raise FunnelError("store.busy", path=str(self.path)) from exc
                    if not marker.exists():  # ask the holder to let go (a CLI import announced already)
                        try:
                            marker.touch()
                            announced = True
                        except OSError:  # a read-only folder: just wait
                            pass
                    time.sleep(0.2)
        finally:
            if announced:
                marker.unlink(missing_ok=True)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for a write, serialised with every other write of this process."""
        self.check_writable()
        with _WRITE_LOCK, self.connect() as con:
            yield con

    def check_writable(self) -> None:
        if self.read_only:
            raise FunnelError("store.read_only")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file (a copy of the file alone is then a full backup).
        Best effort: with another transaction open DuckDB declines, and the log still holds the data."""
        if self.memory:
            return
        with self.connect() as con:
            try:
                run(con, "CHECKPOINT")
            except duckdb.Error:
                pass

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
        if needs_deriving(meta):
            # imported before capabilities were stored, or under older rules: derive on read (a
            # warehouse dataset's tables are not in this store: it keeps what it was attached with)
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
        named = [row for row in self.datasets() if row["name"] == text]
        if len(named) > 1:
            # the second import of a name (``import --name N`` again, not ``--into N``) made a second dataset: the
            # first one found by the name showed last week's numbers under this week's command, silently
            ids = "; ".join(f"{row['id']} ({row['source_file'] or '—'}, {str(row['imported_at'])[:16]})" for row in named)
            raise FunnelError("store.ambiguous_name", dataset=f"«{text}»", ids=ids)
        if named:
            return self.info(named[0]["id"])
        raise FunnelError("store.no_dataset", dataset=f"«{text}»")  # a name in quotes: «нет такого» reads as one

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
            # the name is in report titles and exports: a new version, so nothing cached shows the old one
            run(con, "UPDATE datasets SET name = $name, version = version + 1 WHERE id = $id",
                {"name": name, "id": int(dataset_id)})

    def delete(self, dataset_id: int) -> None:
        """Delete a stored dataset; for an attached one, its catalog row and the derived tables on
        its backend (the warehouse's own tables are never touched)."""
        engine = self.row(dataset_id)["meta"].get("engine")
        if engine:
            from .backends import connect_dataset

            connect_dataset(engine).drop_schema(engine["schema"])
        with self.writing() as con:
            run(con, "BEGIN TRANSACTION")
            try:
                run(con, render("DROP SCHEMA IF EXISTS {schema} CASCADE", schema=ident(f"ds_{int(dataset_id)}")))
                run(con, "DELETE FROM datasets WHERE id = $id", {"id": int(dataset_id)})
                run(con, "COMMIT")
            except Exception:
                run(con, "ROLLBACK")
                raise
        self.checkpoint()

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
    def begin_dataset(self, con: duckdb.DuckDBPyConnection) -> int:
        """Open the transaction of a new dataset on ``con`` and create its schema; returns its id.

        The importer then builds the dataset's big tables in that schema directly (no copy at
        save); :meth:`save` with ``dataset_id`` commits it, :meth:`abandon_dataset` rolls it back.
        Nothing is visible to other connections before the commit."""
        self.check_writable()
        dataset_id = run(con, "SELECT nextval('dataset_ids')").fetchone()[0]
        run(con, "BEGIN TRANSACTION")
        try:
            run(con, render("CREATE SCHEMA {schema}", schema=ident(f"ds_{dataset_id}")))
        except Exception:
            run(con, "ROLLBACK")
            raise
        return dataset_id

    @staticmethod
    def abandon_dataset(con: duckdb.DuckDBPyConnection) -> None:
        """Roll back an unfinished :meth:`begin_dataset` (no-op when it was committed already)."""
        try:
            run(con, "ROLLBACK")
        except duckdb.Error:
            pass

    def save(self, con: duckdb.DuckDBPyConnection, built: dict[str, Any], *,
             dataset_id: int | None = None) -> DatasetInfo:
        """Store the temp tables ``built['tables']`` of ``con`` as a new dataset, atomically.

        ``con`` must be a connection of this store (the importer builds its temp tables there).
        With ``dataset_id`` (from :meth:`begin_dataset`) the transaction is open and the tables
        named in ``built['in_place']`` already stand in the dataset's schema: only the others are
        copied, then the catalog row is written and everything committed together.
        """
        self.check_writable()
        in_place = set(built.get("in_place") or ()) if dataset_id is not None else set()
        with _WRITE_LOCK:
            fresh = dataset_id is None
            if fresh:
                dataset_id = run(con, "SELECT nextval('dataset_ids')").fetchone()[0]
                run(con, "BEGIN TRANSACTION")
            schema = f"ds_{dataset_id}"
            try:
                if fresh:
                    run(con, render("CREATE SCHEMA {schema}", schema=ident(schema)))
                for table, source in built["tables"].items():  # TABLES, plus any optional ones (stays)
                    if table not in in_place:
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


def _start_watcher(store: Store, opening: int) -> None:
    """While this opening of the database lasts, close it when it is idle and another process waits.

    The thread holds the store weakly: a dropped Store closes its database at once."""
    ref = weakref.ref(store)

    def watch() -> None:
        while True:
            time.sleep(_WATCH_SECONDS)
            current = ref()
            if current is None:
                return
            with current._file_lock:
                if current._file_con is None or current._opened != opening:
                    return
                if not current._users and _writer_waiting(Path(current.path)):
                    current._close_now()
                    return
            del current

    threading.Thread(target=watch, name="funnel-store-watch", daemon=True).start()
