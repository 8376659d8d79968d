"""What one uploaded file may cost: every size limit of the importer, and the checks that apply them.

One person's file must not slow the server down for everyone (a shared Streamlit server runs every
session in one process), so anything above these limits is refused with one translated line that
names the file, the row or column, and the limit — nothing is cut silently. README ("Security")
lists the same numbers.

Why these numbers:

- ``MAX_FILE_BYTES`` 1 GiB: the largest real export we know (1M deals, 85 MB; its history, 155 MB)
  is far below; the Data page's upload limit (``.streamlit/config.toml``) is 500 MB.
- ``MAX_COLUMNS`` 1,000: CRM exports have tens, Salesforce reports a few hundred; 5,000 columns
  took minutes per page.
- ``MAX_CELL_CHARS`` 32,767: Excel's own limit for a cell; a deal name of megabytes is no name.
  Longer cells are cut to it (a note in the quality report says where), so one fat notes column
  does not cost the whole file.
- ``MAX_LINE_BYTES`` 32 MiB: a CSV record of 1,000 full cells; DuckDB refuses longer lines.
- ``MAX_STAGES`` 500: the stage editor draws every stage; real funnels have tens per pipeline.
- ``MAX_ARCHIVE_ENTRIES`` 100,000 entries in a zip archive: ``zipfile`` keeps ~0.5 KB per entry, so a
  crafted 500 MB zip of empty entries would take gigabytes; the count its end record declares is read
  first. A Salesforce export with its attachments has thousands. Each table in an archive is held to
  ``MAX_FILE_BYTES`` as declared and as unpacked (:mod:`.archive`).
- Workbooks are parsed in a separate process (:mod:`.sandbox`): ``MAX_SHEET_CELLS`` 5,000,000 by
  the sheet's real extent, and no more rows than Excel itself has (``EXCEL_ROWS``), ``MAX_WORKBOOK_XML_BYTES`` of unpacked sheet XML, at most
  ``WORKER_MEMORY_BYTES`` of memory and ``WORKER_SECONDS`` of time; a crash there is an error line.
"""

from __future__ import annotations

import stat
from pathlib import Path

from ..errors import FunnelError
from ..sql import ident, render, run

MAX_FILE_BYTES = 1 << 30
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 32_767
MAX_LINE_BYTES = 32 << 20
MAX_STAGES = 500
MAX_SHEET_CELLS = 5_000_000
EXCEL_ROWS = 1_048_576
MAX_WORKBOOK_XML_BYTES = 2 << 30
WORKER_MEMORY_BYTES = 4 << 30
WORKER_SECONDS = 300
MAX_ARCHIVE_ENTRIES = 100_000

# an unclosed quote swallows the rest of the file into one cell: a cell holding this many lines that
# each look like a record of the file (as many delimiters as the header) is one
SWALLOWED_LINES = 2


def check_source(path: Path, file_name: str) -> None:
    """A regular file (not ``/dev/zero``, a pipe or a folder) of at most ``MAX_FILE_BYTES``."""
    try:
        info = path.stat()
    except OSError as error:
        raise FunnelError("file.not_found", file=file_name) from error
    if not stat.S_ISREG(info.st_mode):
        raise FunnelError("limits.not_a_file", file=file_name)
    check_size(info.st_size, file_name)


def check_size(size: int, file_name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise FunnelError("limits.file_too_big", file=file_name, size=_mb(size), limit=_mb(MAX_FILE_BYTES))


def check_columns(width: int, file_name: str) -> None:
    if width > MAX_COLUMNS:
        raise FunnelError("limits.too_many_columns", file=file_name, columns=width, limit=MAX_COLUMNS)


def check_sheet(file_name: str, sheet: str, rows: int, columns: int) -> None:
    """The real extent of a worksheet, before anything allocates it."""
    check_columns(columns, file_name)
    if rows * columns > MAX_SHEET_CELLS or rows > EXCEL_ROWS:
        raise FunnelError("limits.sheet_too_big", file=file_name, sheet=sheet, rows=rows, columns=columns,
                          limit=MAX_SHEET_CELLS)


def check_stages(con, raw, column: int | None) -> None:
    """The stage (or step) column names at most ``MAX_STAGES`` distinct values (counted in SQL,
    before the stage order is worked out)."""
    if column is None:
        return
    n_stages = run(con, render("SELECT count(DISTINCT {c}) FROM {t}", c=ident(f"c{column}"),
                               t=ident(raw.table))).fetchall()[0][0]
    if n_stages > MAX_STAGES:
        raise FunnelError("limits.too_many_stages", file=raw.file_name, stages=n_stages, limit=MAX_STAGES)


def check_staged(con, raw) -> None:
    """After staging: in a CSV no cell that swallowed the rest of the file behind an unclosed quote
    (refused, naming the row); cells longer than ``MAX_CELL_CHARS`` are cut to it, and a note in
    the quality report names the column, its first such row and how many there were."""
    columns = [f"c{i}" for i in range(len(raw.headers))]
    if not columns:
        return
    parts = []
    for c in columns:
        # a cell of at most MAX_CELL_CHARS bytes has at most as many characters: the byte length
        # is stored with the string, the character count is read only for longer cells
        long = render("CASE WHEN strlen({c}) > $max_chars THEN length({c}) > $max_chars END", c=ident(c))
        parts += [render("count(*) FILTER (WHERE {x})", x=long), render("min(row_no) FILTER (WHERE {x})", x=long)]
    check_breaks = raw.kind == "csv" and raw.quoted
    if check_breaks:  # in the same scan: whether any cell holds a line break at all
        multi = " OR ".join(render("contains({c}, chr(10))", c=ident(c)) for c in columns)
        parts.append(render("count(*) FILTER (WHERE {x})", x=multi))
    stats = run(con, render("SELECT {parts} FROM {t}", parts=", ".join(parts), t=ident(raw.table)),
                {"max_chars": MAX_CELL_CHARS}).fetchall()[0]
    if check_breaks and stats[-1]:
        _check_quotes(con, raw, columns)
    for i, c in enumerate(columns):
        count, first = stats[2 * i], stats[2 * i + 1]
        if not count:
            continue
        run(con, render("UPDATE {t} SET {c} = left({c}, {n}) WHERE length({c}) > {n}", t=ident(raw.table),
                        c=ident(c), n=str(MAX_CELL_CHARS)))
        raw.notes.append(("limits.cell_truncated", {"file": raw.file_name, "column": raw.headers[i] or str(i + 1),
                                                    "row": first, "count": count, "limit": MAX_CELL_CHARS}))


def _check_quotes(con, raw, columns: list[str]) -> None:
    multi = " OR ".join(render("strpos({c}, chr(10)) > 0", c=ident(c)) for c in columns)
    rows = run(con, render("SELECT row_no, {cols} FROM {t} WHERE {multi} ORDER BY row_no LIMIT 200",
                           cols=", ".join(ident(c) for c in columns), t=ident(raw.table), multi=multi)).fetchall()
    for row_no, *cells in rows:
        for i, cell in enumerate(cells):
            if cell is not None and _swallowed(cell, raw.delimiter or ",", len(columns)):
                raise FunnelError("limits.unclosed_quote", file=raw.file_name, row=row_no,
                                  column=raw.headers[i] or str(i + 1), lines=cell.count("\n") + 1)


def _swallowed(cell: str, delimiter: str, width: int) -> bool:
    """True when the cell's lines after the first look like whole records of the file."""
    if width < 2:
        return False
    lines = cell.split("\n")[1:]
    records = sum(1 for line in lines if line.count(delimiter) >= width - 1)
    return records >= SWALLOWED_LINES


def line_too_long(error: Exception) -> bool:
    """DuckDB's CSV reader refusing a record longer than ``MAX_LINE_BYTES``."""
    text = str(error).lower()
    return "maximum line size" in text or "max_line_size" in text


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"
