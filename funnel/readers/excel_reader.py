"""Workbooks into a staged table: xlsx and real xls (python-calamine, xlrd as fallback for xls)
and the HTML table that Bitrix24 saves as ".xls" (lxml).

Workbooks are small next to CSV exports, so their cells go through Python: each cell becomes the
text a user would read (dates as ISO ``YYYY-MM-DD HH:MM:SS``, whole numbers without ``.0``),
then an Arrow table goes to DuckDB. ``sheet=None`` picks the visible sheet with the most data
rows (a Dynamics 365 export hides a metadata sheet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import zipfile
from pathlib import Path

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits, sniff
from .headers import clean_header
from .sandbox import run_isolated
from .staging import RawTable, finish_table, pad, staged_cells_sql
from .xlsx_extent import check_workbook

Rows = list[list[str | None]]


def list_workbook_sheets(path: Path, file_name: str, kind: str) -> list[tuple[str, int]]:
    return [(name, _data_rows(rows)) for name, rows, _visible in read_sheets(path, file_name, kind)]


def preferred_workbook_sheet(path: Path, file_name: str, kind: str) -> str:
    """The sheet an import reads when none is named (the Data page's picker starts there)."""
    return _preferred(read_sheets(path, file_name, kind))[0]


def _preferred(sheets: list[tuple[str, Rows, bool]]) -> tuple[str, Rows, bool]:
    """A visible sheet before a hidden one, a deal sheet before an Excel pivot's summary, then the one
    with most rows."""
    return max(sheets, key=lambda s: (s[2], not _is_pivot(s[1]), _data_rows(s[1])))


def stage_workbook(con, path: Path, file_name: str, kind: str, sheet: str | None, table: str) -> RawTable:
    sheets = read_sheets(path, file_name, kind)
    names = [name for name, _rows, _visible in sheets]
    if sheet is not None:
        chosen = [s for s in sheets if s[0] == sheet]
        if not chosen:
            raise FunnelError("file.sheet_not_found", file=file_name, sheet=sheet, sheets=", ".join(names))
        name, rows, _visible = chosen[0]
    else:
        name, rows, _visible = _preferred(sheets)
    hdr = sniff.find_header(rows)
    if hdr is None:
        raise FunnelError("file.no_header", file=file_name)
    width = max(len(r) for r in rows)
    headers = pad([clean_header(c) for c in rows[hdr]], width)
    _load(con, table, rows[hdr + 1:], hdr + 2, width)
    headers, n_rows, skipped, notes = finish_table(con, table, headers, file_name, [])
    if hdr > 0:
        notes.append(("readers.header_row", {"row": hdr + 1, "file": file_name}))
    if len(sheets) > 1:
        notes.append(("readers.sheet", {"sheet": name, "n": len(sheets), "file": file_name}))
    return RawTable(table, headers, n_rows, file_name, kind, None, None, name, names, hdr + 1, skipped, notes)


# The header cells an Excel pivot table writes (EN, RU, ZH): a summary sheet, not the deals
_PIVOT_HEADER = re.compile(r"(?i)^(row labels|column labels|названия строк|названия столбцов|行标签|列标签|"
                           r"(count|sum|average) of |количество по полю|сумма по полю|计数项|求和项)")


def _is_pivot(rows: Rows) -> bool:
    """A sheet whose header is a pivot table's: a workbook's «Summary» before its «Deals» sheet was
    chosen for having more rows, and the import was refused for want of a stage column."""
    hdr = sniff.find_header(rows)
    return hdr is not None and any(c is not None and _PIVOT_HEADER.match(str(c).strip()) for c in rows[hdr])


def _data_rows(rows: Rows) -> int:
    hdr = sniff.find_header(rows)
    if hdr is None:
        return 0
    return sum(1 for r in rows[hdr + 1:] if sniff.effective_width(r))


def _load(con, table: str, rows: Rows, first_row_no: int, width: int) -> None:
    import pyarrow as pa  # here, not at the top: a CSV import never loads it (~40 MB resident)

    columns = {"row_no": pa.array(range(first_row_no, first_row_no + len(rows)), pa.int32())}
    for i in range(width):
        columns[f"c{i}"] = pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
    view = "funnel_sheet_rows"
    con.register(view, pa.table(columns))
    try:
        run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT row_no, {cells} FROM {v} ORDER BY row_no",
                        t=ident(table), cells=staged_cells_sql(width), v=ident(view)))
    finally:
        con.unregister(view)


def read_sheets(path: Path, file_name: str, kind: str) -> list[tuple[str, Rows, bool]]:
    """(name, rows of cell text, visible) for every sheet (HTML: every table), parsed in a child
    process with memory and time limits (:mod:`.sandbox`): a hostile workbook cannot crash the server.

    The last workbook read is kept (by content): the Data page lists its sheets and stages it on
    every rerun, which would otherwise start two child processes per click.
    """
    key = (_digest(path), file_name, kind)
    with _LAST_LOCK:
        if _LAST and _LAST[0] == key:
            return _LAST[1]
    sheets = run_isolated("funnel.readers.excel_reader:read_sheets_here", (path, file_name, kind),
                          crash_code="limits.parse_crashed", params={"file": file_name})
    with _LAST_LOCK:
        _LAST[:] = [key, sheets]
    return sheets


_LAST: list = []  # [key, sheets] of the last workbook read
_LAST_LOCK = threading.Lock()


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_sheets_here(path: Path, file_name: str, kind: str) -> list[tuple[str, Rows, bool]]:
    """:func:`read_sheets` in this process (the sandbox's child runs it): extents checked first."""
    sheets = _read_sheets(path, file_name, kind)
    for name, rows, _visible in sheets:
        limits.check_sheet(file_name, name, len(rows), max((len(r) for r in rows), default=0))
    return sheets


def _read_sheets(path: Path, file_name: str, kind: str) -> list[tuple[str, Rows, bool]]:
    if kind == "html":
        return _html_tables(path, file_name)
    if kind == "xlsx" and not _is_workbook_zip(path):
        raise FunnelError("file.binary", file=file_name)
    if kind == "xlsx":
        try:
            check_workbook(path, file_name)
        except zipfile.BadZipFile as error:
            raise FunnelError("file.excel_unreadable", file=file_name) from error
    try:
        return _calamine_sheets(path)
    except Exception as calamine_error:  # calamine raises several unrelated types
        if kind == "xls":
            try:
                return _xlrd_sheets(path)
            except Exception:
                pass
        raise FunnelError("file.excel_unreadable", file=file_name) from calamine_error


def _is_workbook_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/") for n in zf.namelist())
    except zipfile.BadZipFile:
        return True  # a damaged workbook: let calamine report it as unreadable


def _calamine_sheets(path: Path) -> list[tuple[str, Rows, bool]]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    # from the bytes, not the name: calamine's from_path picks its reader by the extension, and a
    # workbook saved as xlsx under an ".xls" name (yudao CRM's «商机.xls», written by EasyExcel) was
    # refused as a damaged xls
    with open(path, "rb") as fh:
        wb = CalamineWorkbook.from_filelike(fh)
    out = []
    for meta in wb.sheets_metadata:
        sheet = wb.get_sheet_by_name(meta.name)
        rows = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        _fill_merged_down(rows, sheet.merged_cell_ranges or [])
        out.append((meta.name, rows, meta.visible == SheetVisibleEnum.Visible))
    return out


def _fill_merged_down(rows: Rows, ranges) -> None:
    """Give every cell of a merged range one column wide the range's value. A Salesforce formatted
    report writes a group's stage once, merged down over its deals; only the first deal had a stage,
    the others became deals at the funnel's first stage. A range wider than one column (a title across
    the sheet) is left as it is: spread, it would read as a header of repeated names."""
    for (top, left), (bottom, right) in ranges:
        if left != right or bottom <= top or top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top + 1, min(bottom, len(rows) - 1) + 1):
            if left < len(rows[r]) and rows[r][left] is None:
                rows[r][left] = value


def _xlrd_sheets(path: Path) -> list[tuple[str, Rows, bool]]:
    import xlrd

    book = xlrd.open_workbook(str(path))
    out = []
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            row = []
            for c in sh.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_text(xlrd.xldate_as_datetime(c.value, book.datemode)))
                else:
                    row.append(cell_text(c.value))
            rows.append(row)
        out.append((sh.name, rows, sh.visibility == 0))
    return out


def cell_text(value) -> str | None:
    """The text a spreadsheet user reads in a cell (None for an empty cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _html_tables(path: Path, file_name: str) -> list[tuple[str, Rows, bool]]:
    import lxml.html

    text = _html_text(path.read_bytes())
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as error:  # lxml raises ParserError / ValueError on junk
        raise FunnelError("file.excel_unreadable", file=file_name) from error
    out = []
    for index, tbl in enumerate(doc.xpath("//table"), start=1):
        rows = []
        for tr in tbl.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
            row: list[str | None] = []
            for cell in tr.xpath("./td|./th"):
                row.append(cell.text_content() or None)
                row.extend([None] * (_span(cell) - 1))
            rows.append(row)
        out.append((f"Table {index}", rows, True))
    if not out:
        raise FunnelError("file.excel_unreadable", file=file_name)
    return out


def _span(cell) -> int:
    try:
        return max(1, min(int(cell.get("colspan", "1")), 1000))
    except ValueError:
        return 1


def _html_text(data: bytes) -> str:
    """HTML bytes as text: BOM, then strict UTF-8, then the declared charset, then cp1251."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"charset=[\"']?([\w-]+)", data[:4096], re.I)
    for enc in ([declared.group(1).decode("ascii")] if declared else []) + ["cp1251"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1251", errors="replace")
