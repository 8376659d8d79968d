"""The Data page's preview of an upload: the file staged ONCE, kept across the page's reruns.

Staging reads and cleans every cell of the file (seconds at 200k rows). The page reruns on every
click of the mapping editor, so a preview keeps the staged tables in a DuckDB connection of its
own, keyed by the files' content hash, the sheet and the chosen input shape: a rerun with the same
upload reuses them and re-reads only what a change needs (the build of the preview, which runs
again only when the mapping, the stage order or the won/lost stages change).

Nothing here touches the store: on "Import", :meth:`Preview.copy_staged` puts the staged tables
into the store's connection and the importer's ``finish`` stores the dataset from there.
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import duckdb

from ..sql import ident, render, run
from . import Draft, Source, build, prepare


class Preview:
    """One upload (main file + optional second file) staged in its own in-memory connection."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._draft: Draft | None = None
        self._built_key: str | None = None
        self._built: dict[str, Any] | None = None
        self._lock = threading.RLock()  # one rerun of a session at a time uses the connection

    def draft(self, store, main: Source, history: Source | None = None, *,
              shape: str | None = None, lang: str | None = None) -> tuple[duckdb.DuckDBPyConnection, Draft]:
        """The connection holding the staged file(s) and a fresh copy of the proposal (the page's
        editors change the copy's mapping, never the kept one). Stages only for a new upload."""
        key = (main.digest(), history.digest() if history else "", main.file_name, main.sheet,
               main.header_rows, history.file_name if history else "", shape, lang)
        with self._lock:
            if key != self._key:
                self.close()
                con = _connect()
                try:
                    draft = prepare(con, store, main, history=history, shape=shape, lang=lang)
                except BaseException:
                    con.close()
                    raise
                self._key, self._con, self._draft = key, con, draft
            assert self._con is not None and self._draft is not None  # set together with the key
            draft = copy.deepcopy(self._draft)
            if store is not None:  # the store may have changed since the file was staged
                draft.duplicate_of = store.find_by_hash(draft.source_hash)
            return self._con, draft

    def build(self, draft: Draft, *, stages=None) -> dict[str, Any]:
        """The preview build of ``draft`` (temp tables in the preview's connection); reused while
        the mapping, the order, the shape and the time zone stay the same."""
        key = json.dumps([draft.shape, _mapping_key(draft.mapping), stages, draft.timezone], sort_keys=True,
                         default=str)
        with self._lock:
            if key != self._built_key or self._built is None:
                self._built_key, self._built = None, None
                self._built = build(self._con, draft, stages=stages)
                self._built_key = key
            return copy.deepcopy(self._built)

    def warnings(self) -> list[tuple[str, str | None, int | None]]:
        """The last build's warnings, one per finding (its rows' examples left out): ``(code, detail, n)``, what the
        import will say, shown before it (survey 49: the page said only the guessed order; the rest came after)."""
        with self._lock:
            if self._con is None or self._built is None:
                return []
            return [(r[0], r[1], r[2]) for r in self._con.execute(
                "SELECT code, detail, n FROM imp_quality WHERE severity = 'warning' AND row_no IS NULL "
                "ORDER BY code, column_name").fetchall()]

    def copy_staged(self, con, draft: Draft) -> None:
        """Put the staged tables ``draft`` reads into ``con`` (the store's connection), as temp tables
        of the same names, for the importer's ``finish``."""
        tables = [draft.raw.table] + ([draft.history_raw.table] if draft.history_raw is not None else [])
        with self._lock:
            if self._con is None:
                raise RuntimeError("copy_staged() before stage(): nothing is staged")
            # a build's last query may be read with fetchone(): DuckDB keeps such a result open and
            # refuses .sql() on the connection until it is done (a counts table's build ends with one)
            self._con.execute("SELECT 1").fetchall()
            for table in dict.fromkeys(tables):
                rows = self._con.sql(render("SELECT * FROM {t}", t=ident(table))).to_arrow_reader()  # streamed
                con.register("funnel_staged_rows", rows)
                try:
                    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT * FROM funnel_staged_rows",
                                    t=ident(table)))
                finally:
                    con.unregister("funnel_staged_rows")

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._key = self._con = self._draft = self._built = self._built_key = None


def _mapping_key(mapping) -> Any:
    to_json = getattr(mapping, "to_json", None)
    return to_json() if to_json else repr(mapping)


def _connect() -> duckdb.DuckDBPyConnection:
    from ..store import memory_limit  # the same budget as the store's own connections

    limit = memory_limit()
    return duckdb.connect(":memory:", config={"memory_limit": limit} if limit else {})
