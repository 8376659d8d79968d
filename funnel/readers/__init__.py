"""File readers of the importer: any CRM export (CSV, xlsx, xls, HTML ".xls", an API's JSON, a zip of them) into a
staged table.

:func:`stage_file` sniffs the file kind from its magic bytes (never the extension) and hands it to
the matching reader; every reader produces the same staged shape (see :mod:`.staging`). A zip
archive's table files are handled like a workbook's sheets (:mod:`.archive`): listed, one preferred,
another chosen by name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import FunnelError
from . import archive, limits
from .excel_reader import list_workbook_sheets, preferred_workbook_sheet
from .fullwidth import fold_fullwidth
from .header_rows import HeaderRows, header_rows_text, parse_header_rows
from .picklist_keys import label_picklist_keys
from .plain import file_kind_of, stage_plain
from .stage_pairs import stage_pairs
from .staging import RawTable, SkippedRow
from .wps import wps_named

__all__ = ["HeaderRows", "RawTable", "SkippedRow", "archive_history", "archive_stage_list", "header_rows_text", "history_sheet",
           "SheetChoice", "list_sheets", "parse_header_rows", "preferred_sheet", "sheet_choice",
           "stage_file"]


def stage_file(con, source: Path | bytes, file_name: str, *, sheet: str | None = None,
               table: str = "raw", header_rows: HeaderRows | None = None) -> RawTable:
    """Stage one uploaded file as TEMP table ``table`` in ``con``. ``header_rows``: the 1-based first
    and last row of the column titles, as the user gives them (else they are found). ``sheet``: a
    workbook's sheet or an archive's table (member name)."""
    with _as_path(source, file_name) as path, wps_named(file_name):
        kind = file_kind_of(path, file_name)
        if kind == "zip":
            raw = archive.stage_archive(con, path, file_name, sheet, table, header_rows)
        else:
            raw = stage_plain(con, path, file_name, kind, sheet, table, header_rows)
        limits.check_staged(con, raw)
        fold_fullwidth(con, raw)
        label_picklist_keys(con, raw)  # YetiForce's PLL_ keys as their labels (picklist_keys.py)
        return stage_pairs(con, raw)


@dataclass(frozen=True)
class SheetChoice:
    """What the Data page's sheet picker needs of an upload: its tables (sheet or archive member, data
    rows; [] for CSV), the one an import reads by itself, and whether they are an archive's files."""

    sheets: list[tuple[str, int]]
    preferred: str | None
    archive: bool


def sheet_choice(source: Path | bytes, file_name: str) -> SheetChoice:
    """The tables of a workbook or archive and the preferred one, from one copy of an upload on disk
    (a picker that asked three times wrote the whole upload three times on every page run). A
    preferred table that cannot be told is None: the first is shown."""
    with _as_path(source, file_name) as path, wps_named(file_name):
        kind = file_kind_of(path, file_name)
        if kind in ("text", "json", "parquet"):
            return SheetChoice([], None, False)
        sheets = archive.list_tables(path, file_name) if kind == "zip" else list_workbook_sheets(path, file_name, kind)
        try:
            preferred: str | None = _preferred(path, file_name, kind)
        except FunnelError:
            preferred = None
        return SheetChoice(sheets, preferred, kind == "zip")


def list_sheets(source: Path | bytes, file_name: str) -> list[tuple[str, int]]:
    """(sheet name, data rows) of a workbook, (member name, data rows) of an archive; [] for CSV."""
    with _as_path(source, file_name) as path, wps_named(file_name):
        kind = file_kind_of(path, file_name)
        if kind in ("text", "json", "parquet"):
            return []
        return archive.list_tables(path, file_name) if kind == "zip" else list_workbook_sheets(path, file_name, kind)


def preferred_sheet(source: Path | bytes, file_name: str) -> str | None:
    """The sheet (or archive member) an import of this file reads when none is named; None for CSV."""
    with _as_path(source, file_name) as path, wps_named(file_name):
        kind = file_kind_of(path, file_name)
        return None if kind in ("text", "json", "parquet") else _preferred(path, file_name, kind)


def _preferred(path: Path, file_name: str, kind: str) -> str:
    return archive.preferred(path, file_name) if kind == "zip" else preferred_workbook_sheet(path, file_name, kind)


def archive_history(source: Path | bytes, file_name: str, member: str) -> str | None:
    """The stage history beside table ``member`` of an archive (``OpportunityHistory.csv`` beside
    ``Opportunity.csv``: :func:`.archive.history_beside`); None for any other file."""
    return _in_archive(source, file_name, lambda path: archive.history_beside(path, file_name, member))


def archive_stage_list(source: Path | bytes, file_name: str, member: str) -> str | None:
    """A table named as a list of stages beside table ``member`` of an archive (``pipelines.json`` beside
    ``leads.json``: :func:`.archive.stage_list_beside`); None for any other file."""
    return _in_archive(source, file_name, lambda path: archive.stage_list_beside(path, file_name, member))


def history_sheet(source: Path | bytes, file_name: str) -> str | None:
    """For an archive given as the stage-history file: the table whose name says stage history
    (:func:`.archive.history_table`); None for any other file, or when no name says so."""
    return _in_archive(source, file_name, lambda path: archive.history_table(path, file_name))


def _in_archive(source: Path | bytes, file_name: str, find: Callable[[Path], str | None]) -> str | None:
    """``find`` of the file when it is a zip archive of tables, else None (no other file is copied to disk)."""
    if not _may_be_zip(source):
        return None
    with _as_path(source, file_name) as path:
        if file_kind_of(path, file_name) != "zip":
            return None
        return find(path)


def _may_be_zip(source: Path | bytes) -> bool:
    """Whether the file starts as a zip does: any other history file is not copied to disk to be sniffed."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:2]) == b"PK"
    try:
        with open(source, "rb") as fh:
            return fh.read(2) == b"PK"
    except OSError:
        return True  # the reader says what is wrong with it


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
