"""Moving a dataset's canonical tables between engines: copy to a backend, export to Parquet.

Tables go through Arrow, column types and NULLs kept (a NULL stays NULL on ClickHouse: its
columns are created ``Nullable``). The table list is the store's: :data:`funnel.schema.TABLES`
plus the optional ``stays`` table when the dataset has one.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..dataset import DatasetInfo
from ..schema import TABLES
from ..sql import fetch_dicts, ident, render
from ..velocity.stays import derived_tables
from .base import Backend


def table_list(info: DatasetInfo) -> tuple[str, ...]:
    """The canonical tables a dataset has, plus the derived ones stored at import (stays, stage durations)."""
    return TABLES + derived_tables(info.meta)


def read_table(con, info: DatasetInfo, table: str) -> pa.Table:
    """One of the dataset's tables as Arrow, in a fixed order (the first column, then all)."""
    source = ident(info.schema, table)
    if isinstance(con, Backend):
        return con.fetch_arrow(render("SELECT * FROM {t}", t=source))
    return con.sql(render("SELECT * FROM {t}", t=source)).to_arrow_table()


def copy_dataset(con, info: DatasetInfo, target: Backend, schema: str | None = None) -> dict[str, str]:
    """Copy every table of ``info`` (read through ``con``) into ``target`` as ``schema.<table>``
    (default ``ds_<id>``, the store's own layout). Returns the quoted names, as ``info.tables``."""
    schema = schema or f"ds_{int(info.id)}"
    for table in table_list(info):
        target.load_arrow(schema, table, read_table(con, info, table))
    return {t: ident(schema, t) for t in table_list(info)}


def export_parquet(con, info: DatasetInfo, folder: str | Path) -> list[Path]:
    """Write ``<folder>/<table>.parquet`` for every canonical table of the dataset; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in table_list(info):
        path = folder / f"{table}.parquet"
        pq.write_table(read_table(con, info, table), path)
        written.append(path)
    return written


def row_counts(con, info: DatasetInfo) -> dict[str, int]:
    """Rows per table (what ``export`` and ``attach`` print)."""
    return {t: int(fetch_dicts(con, render("SELECT count(*) AS n FROM {t}", t=ident(info.schema, t)))[0]["n"])
            for t in table_list(info)}
