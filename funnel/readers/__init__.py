"""File readers of the importer: any CRM export (CSV, xlsx, xls, HTML ".xls") into a staged table.

:func:`stage_file` sniffs the file kind from its magic bytes (never the extension) and hands it to
the matching reader; every reader produces the same staged shape (see :mod:`.staging`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from ..errors import FunnelError
from . import limits, sniff
from .csv_reader import stage_csv
from .excel_reader import list_workbook_sheets, preferred_workbook_sheet, stage_workbook
from .header_rows import HeaderRows, header_rows_text, parse_header_rows
from .staging import RawTable, SkippedRow

__all__ = ["HeaderRows", "RawTable", "SkippedRow", "header_rows_text", "list_sheets", "parse_header_rows",
           "preferred_sheet", "stage_file"]


def stage_file(con, source: Path | bytes, file_name: str, *, sheet: str | None = None,
               table: str = "raw", header_rows: HeaderRows | None = None) -> RawTable:
    """Stage one uploaded file as TEMP table ``table`` in ``con``. ``header_rows``: the 1-based first
    and last row of the column titles, as the user gives them (else they are found)."""
    with _as_path(source, file_name) as path:
        kind = _kind(path, file_name)
        if kind == "text":
            try:
                raw = stage_csv(con, path, file_name, table, header_rows)
            except duckdb.Error as error:  # DuckDB's CSV reader gave up: one line, not its traceback
                code = "limits.line_too_long" if limits.line_too_long(error) else "file.csv_unreadable"
                raise FunnelError(code, file=file_name, limit=limits._mb(limits.MAX_LINE_BYTES)) from error
        else:
            raw = stage_workbook(con, path, file_name, kind, sheet, table, header_rows)
        limits.check_staged(con, raw)
        return raw


def list_sheets(source: Path | bytes, file_name: str) -> list[tuple[str, int]]:
    """(sheet name, data rows) of a workbook; [] for CSV."""
    with _as_path(source, file_name) as path:
        kind = _kind(path, file_name)
        if kind == "text":
            return []
        return list_workbook_sheets(path, file_name, kind)


def preferred_sheet(source: Path | bytes, file_name: str) -> str | None:
    """The sheet an import of this workbook reads when none is named; None for CSV."""
    with _as_path(source, file_name) as path:
        kind = _kind(path, file_name)
        if kind == "text":
            return None
        return preferred_workbook_sheet(path, file_name, kind)


def _kind(path: Path, file_name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(sniff.SAMPLE_BYTES)
    if not head or sniff.is_blank_bytes(head) and path.stat().st_size <= len(head):
        raise FunnelError("file.empty", file=file_name)
    return sniff.file_kind(head)


class _as_path:
    """A path for the source; ``bytes`` (Streamlit uploads) go to a temporary file."""

    def __init__(self, source: Path | bytes, file_name: str):
        self.source, self.file_name = source, file_name
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        if isinstance(self.source, bytes | bytearray | memoryview):
            limits.check_size(len(self.source), self.file_name)
            fd, name = tempfile.mkstemp(prefix="funnel_upload_", suffix=Path(self.file_name).suffix[:10])
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.source)
            self.tmp = Path(name)
            return self.tmp
        path = Path(self.source)
        limits.check_source(path, self.file_name)
        return path

    def __exit__(self, *exc) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
