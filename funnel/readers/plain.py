"""One file that is a table itself (CSV/TSV text, a workbook, an HTML ".xls", an API's JSON) into a staged table.

Kept apart from :mod:`funnel.readers` so that an archive's member (:mod:`.archive`), once extracted,
goes through exactly the readers a plain upload goes through: the same encodings, header search,
NUL bytes, limits and messages.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import FunnelError
from . import limits, sniff
from .csv_reader import stage_csv
from .excel_reader import stage_workbook
from .header_rows import HeaderRows
from .json_cells import expand_json_cells, names_of_people
from .json_reader import stage_json
from .measure_rows import pivot_measure_rows
from .metrica_logs import events_of_visits
from .parquet_reader import stage_parquet
from .staging import RawTable


def file_kind_of(path: Path, file_name: str) -> str:
    """The file's kind (:func:`.sniff.file_kind`); an empty or blank file is refused by name."""
    with open(path, "rb") as fh:
        head = fh.read(sniff.SAMPLE_BYTES)
    if not head or sniff.is_blank_bytes(head) and path.stat().st_size <= len(head):
        raise FunnelError("file.empty", file=file_name)
    return sniff.file_kind(head, path)


def stage_plain(con, path: Path, file_name: str, kind: str, sheet: str | None, table: str,
                header_rows: HeaderRows | None) -> RawTable:
    """Stage a text file or a workbook of ``kind`` (not an archive) as TEMP table ``table``."""
    if kind == "text":
        try:
            return _reshaped(con, stage_csv(con, path, file_name, table, header_rows))
        except duckdb.Error as error:  # DuckDB's CSV reader gave up: one line, not its traceback
            code = "limits.line_too_long" if limits.line_too_long(error) else "file.csv_unreadable"
            raise FunnelError(code, file=file_name, limit=limits._mb(limits.MAX_LINE_BYTES)) from error
    if kind == "json":
        return stage_json(con, path, file_name, table, stream=sheet)
    if kind == "parquet":
        return _reshaped(con, stage_parquet(con, path, file_name, table))
    return _reshaped(con, stage_workbook(con, path, file_name, kind, sheet, table, header_rows))


def _reshaped(con, raw: RawTable) -> RawTable:
    """A table whose rows are not yet one per record: records kept as JSON text in its cells (a data
    connector's CSV, :mod:`.json_cells`), one row per measure of a deal (Tableau's, :mod:`.measure_rows`), one row
    per visit with its goals in a list (Yandex Metrica's Logs API, :mod:`.metrica_logs`); and people written as JSON
objects in a cell (Feishu's person field, :func:`.json_cells.names_of_people`)."""
    return events_of_visits(con, pivot_measure_rows(con, names_of_people(con, expand_json_cells(con, raw))))
