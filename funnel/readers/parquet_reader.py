"""A Parquet file (``DataFrame.to_parquet``, a warehouse's unload, this app's own ``export --parquet``) into a
staged table.

A notebook user's natural hand-off: before, refused as "binary data" (survey 25). DuckDB reads it (an
import-layer reader, as ``read_csv`` is); every column is staged as text, as a CSV's cells are, so the same
typing, checks and messages follow: a typed timestamp reads as ``2024-01-05 10:00:00``, a double as
``12000.0``, a boolean as ``true``. A nested column (a struct, a list) keeps its text form.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits
from .staging import RawTable, finish_table, staged_cells_sql

MAGIC = b"PAR1"


def stage_parquet(con, path: Path, file_name: str, table: str) -> RawTable:
    """Stage the rows of a Parquet file as TEMP table ``table``, one text column per column, rows from 1."""
    try:
        names = [r[0] for r in run(con, "DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall()]
    except duckdb.Error as error:
        raise FunnelError("file.parquet_unreadable", file=file_name) from error
    limits.check_columns(len(names), file_name)
    as_text = ", ".join(render("CAST({c} AS VARCHAR) AS {n}", c=ident(name), n=ident(f"c{i}"))
                        for i, name in enumerate(names))
    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT row_no, {cells} FROM (SELECT CAST(file_row_number + 1 "
                    "AS INTEGER) AS row_no, {as_text} FROM read_parquet($p, file_row_number = true)) ORDER BY row_no",
                    t=ident(table), as_text=as_text, cells=staged_cells_sql(len(names))), {"p": str(path)})
    headers, n_rows, skipped, notes = finish_table(con, table, names, file_name, [])
    return RawTable(table, headers, n_rows, file_name, "parquet", None, None, None, [], 0, skipped, notes)
