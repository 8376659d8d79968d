"""Workbooks into a staged table: xlsx, real xls and LibreOffice's ods (python-calamine, xlrd as
fallback for xls) and the HTML table that Bitrix24 saves as ".xls" (lxml).

Workbooks are small next to CSV exports, so their cells go through Python: each cell becomes the
text a user would read (dates as ISO ``YYYY-MM-DD HH:MM:SS``, whole numbers without ``.0``),
then an Arrow table goes to DuckDB. ``sheet=None`` picks the visible sheet with the most data
rows (a Dynamics 365 export hides a metadata sheet).

Said in the quality report (survey 9, spreadsheet-native exports): rows Excel hides (by an AutoFilter
or by hand), which are imported like the others; a sheet that fills every row its format can hold
(65,536 in an .xls), whose export was most likely cut there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
import threading
import zipfile
from pathlib import Path

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits, sniff
from .board_groups import title_above
from .continuation import merged_blocks
from .header_rows import HeaderRows, choose_header
from .sandbox import run_isolated
from .staging import RawTable, finish_table, pad, staged_cells_sql
from .xlsx_extent import check_ods, check_workbook, hidden_rows, is_ods, unread_cells

Rows = list[list[str | None]]
Merged = dict[str, list]  # sheet -> merged ranges ((top, left), (bottom, right)), 0-based


def list_workbook_sheets(path: Path, file_name: str, kind: str) -> list[tuple[str, int]]:
    sheets, _hidden, merged = read_book(path, file_name, kind)
    return [(name, _data_rows(rows, merged.get(name, []))) for name, rows, _visible in sheets]


def preferred_workbook_sheet(path: Path, file_name: str, kind: str) -> str:
    """The sheet an import reads when none is named (the Data page's picker starts there)."""
    return _preferred(read_sheets(path, file_name, kind))[0]


def _preferred(sheets: list[tuple[str, Rows, bool]]) -> tuple[str, Rows, bool]:
    """A visible sheet before a hidden one, a deal sheet before an Excel pivot's summary or a sheet a
    template names as its dashboard, help or lists (:data:`_SIDE_SHEET`), then by what the sheet holds
    (:func:`_shape_rank`), then the one with most rows."""
    ranks = _shape_rank(sheets) if len(sheets) > 1 else {}
    return max(sheets, key=lambda s: (s[2], not _is_pivot(s[1]), not _SIDE_SHEET.match(s[0]), ranks.get(s[0], 0),
                                      _data_rows(s[1])))


def _refuse_empty_sheet(sheets: list[tuple[str, Rows, bool]], merged: Merged, name: str, rows: Rows,
                        file_name: str) -> None:
    """The sheet read (by default, or the Data page's picker, which starts on the default) has no rows under its
    titles while other sheets have some (the deals on a sheet hidden in Excel behind a visible one of notes):
    refused naming those sheets, their rows and which are hidden, instead of «the file has no deal»."""
    if _data_rows(rows, merged.get(name, [])) > 0:
        return
    others = [(other, n, visible) for other, other_rows, visible in sheets
              if other != name and (n := _data_rows(other_rows, merged.get(other, []))) > 0]
    if not others:
        return
    listed = ", ".join(f"«{other}» ({n})" for other, n, _visible in others[:8])
    hidden = ", ".join(f"«{other}»" for other, _n, visible in others[:8] if not visible)
    if hidden:
        raise FunnelError("harden49.sheet_empty_hidden", file=file_name, sheet=name, others=listed, hidden=hidden)
    raise FunnelError("harden49.sheet_empty", file=file_name, sheet=name, others=listed)


def _shape_rank(sheets: list[tuple[str, Rows, bool]]) -> dict[str, int]:
    """Per sheet: 2 for a deal list (a stage or an outcome column), then a table of counts per stage
    («Менеджер, Этап, Сделок»: 1 beside a deal list, 2 without one), 0 for a sheet without stages (notes).
    A hand-made «Лист1» of 18 counts before the 12 deals of «Сделки» was read for having more rows,
    and a report's «Stage, Deals» lost to a sheet of six notes (survey 32)."""
    shapes = {name: _shape(rows) for name, rows, _visible in sheets}
    counts_rank = 1 if "list" in shapes.values() else 2
    return {name: 2 if shape == "list" else counts_rank if shape == "counts" else 0 for name, shape in shapes.items()}


def _shape(rows: Rows) -> str:
    """'counts' for a table of counts per stage, 'list' for rows with a stage or a status, '' otherwise."""
    from ..mapping.matcher import _OUTCOME_FIELDS, propose_mapping
    from ..mapping.shapes import detect_shape

    hdr = sniff.find_header(rows)
    if hdr is None:
        return ""
    headers = [str(c).strip() if c is not None else "" for c in rows[hdr]]
    samples = rows[hdr + 1:hdr + 51]
    shape = detect_shape(headers, samples)
    if shape in ("counts", "events"):
        return "counts" if shape == "counts" else "list"
    mapping = propose_mapping(headers, samples)
    return "list" if set(_OUTCOME_FIELDS) & set(mapping.fields) or mapping.stage_entered else ""


# The names a spreadsheet template gives the sheets beside its deals (EN, RU, ZH): a «Dashboard» of
# COUNTIFs and a month table, a «Help» of 28 lines, a «填写说明» of 14 field notes outnumbered a young
# pipeline's rows, and the import read 20 "deals" of months (survey 19d)
_SIDE_SHEET = re.compile(
    r"(?i)^\W*(dashboard|summary|overview|charts?|graphs?|instructions?|how to use.*|help|read ?me|about|"
    r"lists?|lookups?|settings|setup|config|disclaimer|notes|terms( of use)?|"
    r"填写说明|使用说明|说明|帮助|图表|汇总|仪表盘|设置|参数|"
    r"инструкци[яи]|справочники?|настройки|сводка|дашборд|помощь|списки|о шаблоне)\W*$")


def stage_workbook(con, path: Path, file_name: str, kind: str, sheet: str | None, table: str,
                   header_rows: HeaderRows | None = None) -> RawTable:
    sheets, hidden, merged = read_book(path, file_name, kind)
    names = [name for name, _rows, _visible in sheets]
    if sheet is not None:
        chosen = [s for s in sheets if s[0] == sheet]
        if not chosen:
            raise FunnelError("file.sheet_not_found", file=file_name, sheet=sheet, sheets=", ".join(names))
        name, rows, _visible = chosen[0]
    else:
        name, rows, _visible = _preferred(sheets)
    _refuse_empty_sheet(sheets, merged, name, rows, file_name)
    header = choose_header(rows, file_name, given=header_rows, merged=merged.get(name, []))
    hdr = header.bottom  # the data starts under it (a two-row header's lower row)
    # a deal written over several rows, its cells merged down (CordysCRM): the rows under its first
    # continue it; their deal cells, filled down on reading, are emptied again (they are no deals)
    ranges = merged.get(name, [])
    blocks = merged_blocks(rows, ranges, hdr + 1)
    rows = _unfill(rows, ranges, set(blocks))
    continued = [r + 1 for top, bottom in blocks for r in range(top + 1, min(bottom, len(rows) - 1) + 1)]
    in_data = any(bottom > hdr for (_top, _left), (bottom, _right) in ranges)
    width = max(len(r) for r in rows)
    headers = pad(header.names, width)
    if kind == "xlsx" and _date1904(path):
        _serials_1904(rows, headers, hdr + 1)
    _load(con, table, without_placeholders(rows[hdr + 1:]), hdr + 2, width)
    headers, n_rows, skipped, notes = finish_table(con, table, headers, file_name, [],
                                                   continued=continued if in_data else None,
                                                   first_title=title_above(rows, header.top),
                                                   banners=_banners(rows, ranges, hdr, width))
    notes = header.notes + notes
    if len(sheets) > 1:
        notes.append(("readers.sheet", {"sheet": name, "n": len(sheets), "file": file_name}))
    notes += _hidden_notes(rows, hdr, hidden.get(name), skipped, file_name, name)
    if kind == "xlsx" and not is_ods(path):
        notes += _unread_notes(path, name, headers, hdr, file_name)
    if (limit := ROW_LIMITS.get(kind)) and len(rows) >= limit:
        notes.append(("sheets9.rows_at_limit", {"file": file_name, "sheet": name, "rows": limit,
                                                "format": FORMAT_NAMES[kind]}))
    return RawTable(table, headers, n_rows, file_name, kind, None, None, name, names, hdr + 1, skipped, notes,
                    header_rows=header.rows)


def _banners(rows: Rows, ranges, hdr: int, width: int) -> frozenset[int]:
    """Row numbers (as staged: 1-based) under the header whose one value sits in a merged range across
    most of the table («Анна Смирнова» merged over A:G above her deals): group titles (group_rows)."""
    out = set()
    for (top, left), (bottom, right) in ranges:
        if top != bottom or top <= hdr or top >= len(rows) or 2 * (right - left + 1) <= width:
            continue
        if sum(1 for v in rows[top] if v is not None and str(v).strip()) == 1:
            out.add(top + 1)
    return frozenset(out)


# The most rows a sheet of each format holds (Excel 97-2003's .xls: 65,536; .xlsx and LibreOffice: 1,048,576).
# A CRM writing more deals into an .xls stops there: a sheet that fills its last row was most likely cut.
ROW_LIMITS = {"xls": 65_536, "xlsx": limits.EXCEL_ROWS}
FORMAT_NAMES = {"xls": ".xls", "xlsx": ".xlsx"}
# hidden rows listed in a note, at most
HIDDEN_LISTED = 10


def _hidden_notes(rows: Rows, hdr: int, hidden: tuple[list[int], bool] | None, skipped, file_name: str,
                  sheet: str) -> list[tuple[str, dict]]:
    """A note naming the data rows Excel hides (row numbers as Excel shows them): they are imported
    like any other row, which a user who filtered the sheet before saving may not expect."""
    if not hidden:
        return []
    numbers, filtered = hidden
    left_out = {s.row_no for s in skipped}
    data = [r for r in numbers if hdr + 1 < r <= len(rows) and r not in left_out
            and sniff.effective_width(rows[r - 1])]
    if not data:
        return []
    listed = ", ".join(str(r) for r in data[:HIDDEN_LISTED]) + (" …" if len(data) > HIDDEN_LISTED else "")
    code = "sheets9.hidden_rows_filter" if filtered else "sheets9.hidden_rows"
    return [(code, {"file": file_name, "sheet": sheet, "n": len(data), "rows": listed})]


# The header cells an Excel pivot table writes (EN, RU, ZH): a summary sheet, not the deals
_PIVOT_HEADER = re.compile(r"(?i)^(row labels|column labels|названия строк|названия столбцов|行标签|列标签|"
                           r"(count|sum|average) of |количество по полю|сумма по полю|计数项|求和项)")


def is_pivot_sheet(rows: Rows) -> bool:
    """Whether a sheet's header is an Excel pivot table's (:data:`_PIVOT_HEADER`)."""
    return _is_pivot(rows)


def workbook_sheets(source: Path | bytes, file_name: str) -> list[tuple[str, Rows, bool]]:
    """Every sheet of a workbook given as a path or as bytes (an upload), as :func:`read_sheets` gives
    them ([] for a file that is no workbook). The workbook just staged is read again from the cache."""
    if isinstance(source, bytes | bytearray | memoryview):
        with tempfile.TemporaryDirectory(prefix="funnel_book_") as tmp:
            path = Path(tmp) / "book"
            path.write_bytes(bytes(source))
            return workbook_sheets(path, file_name)
    with open(source, "rb") as fh:
        kind = sniff.file_kind(fh.read(sniff.SAMPLE_BYTES), Path(source))
    return read_sheets(Path(source), file_name, kind) if kind in ("xlsx", "xls") else []


def _is_pivot(rows: Rows) -> bool:
    """A sheet whose header is a pivot table's: a workbook's «Summary» before its «Deals» sheet was
    chosen for having more rows, and the import was refused for want of a stage column."""
    hdr = sniff.find_header(rows)
    return hdr is not None and any(c is not None and _PIVOT_HEADER.match(str(c).strip()) for c in rows[hdr])


def _data_rows(rows: Rows, merged: list | None = None) -> int:
    """Rows under the header (a two-row header's lower row is none), less a deal's merged continuation
    rows when ``merged`` (the sheet's merged ranges) is given."""
    try:
        hdr = choose_header(rows, "", merged=merged).bottom
    except FunnelError:
        return 0
    continued = sum(min(bottom, len(rows) - 1) - top for top, bottom in merged_blocks(rows, merged or [], hdr + 1))
    return sum(1 for r in without_placeholders(rows[hdr + 1:]) if sniff.effective_width(r)) - continued


# What a template's formula writes into a row no deal fills yet: a 0 (``=H15*G15``), a FALSE (a checkbox)
_PLACEHOLDERS = frozenset({"0", "FALSE"})
_LETTER = re.compile(r"[^\W\d_]")


def without_placeholders(rows: Rows) -> Rows:
    """``rows`` with those that hold nothing but a formula's 0 or an unticked FALSE emptied (read as
    blank rows), where the sheet writes words in some row: a Smartsheet pipeline's ``=H*G`` filled down
    through its empty rows had saved 16 zero rows that became 16 deals at the first stage, and made its
    TOTAL row under them a deal too. A sheet of numbers only (a visitor per row, flags 0/1) is left whole."""
    if not any(c is not None and _LETTER.search(c) for r in rows for c in r if c not in _PLACEHOLDERS):
        return rows
    return [[] if any(c is not None for c in r) and all(c is None or c in _PLACEHOLDERS for c in r) else r
            for r in rows]


def _unfill(rows: Rows, ranges: list, blocks: set[tuple[int, int]]) -> Rows:
    """The rows with the cells :func:`_fill_merged_down` gave the rows of ``blocks`` (a deal's merged
    rows) emptied again: a new list, the rows changed copied (the read sheets are kept for reruns)."""
    if not blocks:
        return rows
    out = list(rows)
    copied: set[int] = set()
    for (top, left), (bottom, right) in ranges:
        if left != right or (top, bottom) not in blocks:
            continue
        for r in range(top + 1, min(bottom, len(out) - 1) + 1):
            if left < len(out[r]):
                if r not in copied:
                    out[r] = list(out[r])
                    copied.add(r)
                out[r][left] = None
    return out


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
    process with memory and time limits (:mod:`.sandbox`): a hostile workbook cannot crash the server."""
    return read_book(path, file_name, kind)[0]


Hidden = dict[str, tuple[list[int], bool]]  # sheet -> (hidden row numbers, set by an AutoFilter)


# the warning of each kind of cell read as empty (xlsx_extent.UNREAD_CELLS)
UNREAD_NOTES = {"formula_uncached": "readers.formulas_uncached", "error": "harden49.error_cells"}


def _unread_notes(path: Path, sheet: str, headers: list[str], hdr: int, file_name: str) -> list[tuple[str, dict]]:
    """A warning per kind naming the columns whose cells were read as empty: formulas saved without their values,
    Excel error cells (#DIV/0!, #N/A…). One read of the sheet finds both."""
    notes = []
    for kind, cells in unread_cells(path, sheet).items():
        found = {c: v for c, v in cells.items() if v[1] > hdr + 1 and c < len(headers)}
        if not found:
            continue
        columns = ", ".join(f"«{headers[c] or c + 1}» ({n})" for c, (n, _first) in sorted(found.items()))
        notes.append((UNREAD_NOTES[kind], {"file": file_name, "sheet": sheet, "columns": columns,
                                           "row": min(v[1] for v in found.values()),
                                           "n": sum(n for n, _first in found.values())}))
    return notes


def _date1904(path: Path) -> bool:
    """Whether an xlsx workbook counts its dates from 1904 (Mac Excel's «1904 date system»: ``date1904`` in
    ``xl/workbook.xml``). Its date cells are read right (calamine knows the system); a date column left in the
    General format holds bare serial numbers, which the importer reads in the 1900 system."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open("xl/workbook.xml") as fh:
            head = fh.read(1 << 16)
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return re.search(rb'date1904="(1|true)"', head) is not None


SERIAL_1904 = 1462  # days from the 1900 system's day 0 (1899-12-30) to the 1904 system's (1904-01-01)
_SERIAL_CELL = re.compile(r"\d{5}(\.\d+)?")


def _serials_1904(rows: Rows, headers: list[str], start: int) -> None:
    """Bare serial numbers (a whole number of five digits, a fraction for the time) in the date-titled columns of a
    1904 workbook, as the 1900 system's serials of the same instants: survey 32's Mac workbook read every created
    and close date 4 years and a day early («данные с 29.02.2020» for 01.03.2024), nothing said."""
    from ..mapping.matcher import DATE_WORDS
    from ..mapping.normalize import normalize_header

    dated = [j for j, h in enumerate(headers) if h and DATE_WORDS.search(normalize_header(h))]
    for row in rows[start:]:
        for j in dated:
            cell = row[j] if j < len(row) else None
            if cell is not None and _SERIAL_CELL.fullmatch(cell):
                row[j] = repr(float(cell) + SERIAL_1904) if "." in cell else str(int(cell) + SERIAL_1904)


def read_book(path: Path, file_name: str, kind: str) -> tuple[list[tuple[str, Rows, bool]], Hidden, Merged]:
    """:func:`read_sheets`, the rows each sheet hides and its merged ranges (its cells merged down over
    several rows are already filled in; group titles over several columns are told by them).

    The last workbook read is kept (by content): the Data page lists its sheets and stages it on
    every rerun, which would otherwise start two child processes per click.
    """
    key = (_digest(path), file_name, kind)
    with _LAST_LOCK:
        if _LAST and _LAST[0] == key:
            return _LAST[1]
    book = run_isolated("funnel.readers.excel_reader:read_book_here", (path, file_name, kind),
                        crash_code="limits.parse_crashed", params={"file": file_name})
    with _LAST_LOCK:
        _LAST[:] = [key, book]
    return book


_LAST: list = []  # [key, (sheets, hidden, merged)] of the last workbook read
_LAST_LOCK = threading.Lock()


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_book_here(path: Path, file_name: str, kind: str) -> tuple[list[tuple[str, Rows, bool]], Hidden, Merged]:
    """:func:`read_book` in this process (the sandbox's child runs it): extents checked first."""
    sheets, hidden, merged = _read_sheets(path, file_name, kind)
    for name, rows, _visible in sheets:
        limits.check_sheet(file_name, name, len(rows), max((len(r) for r in rows), default=0))
    return sheets, hidden, merged


def _read_sheets(path: Path, file_name: str, kind: str) -> tuple[list[tuple[str, Rows, bool]], Hidden, Merged]:
    if kind == "html":
        return _html_tables(path, file_name), {}, {}
    hidden: Hidden = {}
    if kind == "xlsx" and is_ods(path):  # LibreOffice: a zip as well, with no xl/ folder
        scans = check_ods(path, file_name)
        hidden = {name: (sorted(scan.hidden_rows), False) for name, scan in scans.items() if scan.hidden_rows}
    elif kind == "xlsx" and not _is_workbook_zip(path):
        raise FunnelError("file.binary", file=file_name)
    elif kind == "xlsx":
        try:
            check_workbook(path, file_name)
            hidden = {name: (sorted(rows), filtered) for name, (rows, filtered) in hidden_rows(path).items()}
        except zipfile.BadZipFile as error:
            raise FunnelError("file.excel_unreadable", file=file_name) from error
    elif kind == "xls":
        hidden = _xls_hidden(path)
    try:
        merged: Merged = {}
        return _calamine_sheets(path, merged), hidden, merged
    except Exception as calamine_error:  # calamine raises several unrelated types
        if kind == "xls":
            try:
                return _xlrd_sheets(path), hidden, {}
            except Exception:
                pass
        raise FunnelError("file.excel_unreadable", file=file_name) from calamine_error


def _is_workbook_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/") for n in zf.namelist())
    except zipfile.BadZipFile:
        return True  # a damaged workbook: let calamine report it as unreadable


def _calamine_sheets(path: Path, merged: Merged | None = None) -> list[tuple[str, Rows, bool]]:
    """Every sheet's (name, rows, visible); ``merged`` gets each sheet's merged ranges."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    # from the bytes, not the name: calamine's from_path picks its reader by the extension, and a
    # workbook saved as xlsx under an ".xls" name (yudao CRM's «商机.xls», written by EasyExcel) was
    # refused as a damaged xls
    with open(path, "rb") as fh:
        wb = CalamineWorkbook.from_filelike(fh)
    out = []
    for meta in wb.sheets_metadata:
        sheet = wb.get_sheet_by_name(meta.name)
        rows = texts(sheet.to_python(skip_empty_area=False))
        ranges = [((int(t), int(lf)), (int(b), int(rt))) for (t, lf), (b, rt) in sheet.merged_cell_ranges or []]
        _fill_merged_down(rows, ranges)
        if merged is not None and ranges:
            merged[meta.name] = ranges
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


def _xls_hidden(path: Path) -> Hidden:
    """Rows an Excel 97-2003 (BIFF) workbook hides, by sheet (row numbers as Excel shows them), read
    with xlrd's row formatting; an unreadable book hides nothing here (reading it says what is wrong).
    BIFF keeps no AutoFilter xlrd reads, so these are said as hidden rows, filtered or not."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises several unrelated types; calamine reads the book or says why
        return {}
    try:
        out: Hidden = {}
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = sorted(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
            if rows:
                out[sheet.name] = (rows, False)
        return out
    finally:
        book.release_resources()


def _xlrd_sheets(path: Path) -> list[tuple[str, Rows, bool]]:
    import xlrd

    book = xlrd.open_workbook(str(path))
    out = []
    for sh in book.sheets():
        values = []
        for r in range(sh.nrows):
            values.append([xlrd.xldate_as_datetime(c.value, book.datemode) if c.ctype == xlrd.XL_CELL_DATE
                           else c.value for c in sh.row(r)])
        out.append((sh.name, texts(values), sh.visibility == 0))
    return out


def texts(values: list[list]) -> Rows:
    """A sheet's typed cells as the text a user reads (:func:`cell_text`), a column at a time: where a
    column's amounts typed as text write a decimal comma («1 234,56 ₽», «3 500,00 ₽») and none writes a
    decimal point, its typed fractional numbers are written with a comma too («15000,5», as a Russian
    Excel shows them). Written «15000.5», they outvoted the text cells' comma, which then did not read."""
    rows = [[cell_text(v) for v in row] for row in values]
    width = max((len(r) for r in values), default=0)
    for j in range(width):
        typed = [i for i, row in enumerate(values) if j < len(row) and _fractional(row[j])]
        if not typed:
            continue
        texts_j = [row[j] for row in values if j < len(row) and isinstance(row[j], str)]
        if any(_TEXT_POINT.match(t) for t in texts_j) or not any(_TEXT_COMMA.match(t) for t in texts_j):
            continue
        for i in typed:
            text = rows[i][j]
            if text is not None and "e" not in text:
                rows[i][j] = text.replace(".", ",")
    return rows


def _fractional(value) -> bool:
    return isinstance(value, float) and not isinstance(value, bool) and not value.is_integer()


# an amount typed as text with a decimal comma: «1 234,56 ₽», «3.500,00 €», «12,5»; with a decimal point:
# «$1,200.00», «1234.5» (a lone «1,234» says neither)
_TEXT_COMMA = re.compile(r"^\D{0,5}-?\d{1,3}(?:[\s\u00a0\u202f.'’]?\d{3})*,\d{1,2}\s*\D{0,5}$")
_TEXT_POINT = re.compile(r"^\D{0,5}-?\d{1,3}(?:[\s\u00a0\u202f,'’]?\d{3})*\.\d{1,2}\s*\D{0,5}$")


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


_SPREADSHEET_ML = "urn:schemas-microsoft-com:office:spreadsheet"


def _spreadsheet_ml(text: str, file_name: str) -> list[tuple[str, Rows, bool]]:
    """Excel 2003 XML («XML Spreadsheet»), which exporters save with an .xls name (OpenERP's export, Java
    grids, FastReport): ``Worksheet ss:Name`` › ``Table`` › ``Row`` › ``Cell`` (``ss:Index`` skips to a column,
    ``ss:MergeAcross`` spans) › ``Data``. Read as text (a DateTime is ISO, which the date reader reads); no
    entity or network access."""
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser)
    except lxml.etree.XMLSyntaxError as error:
        raise FunnelError("file.excel_unreadable", file=file_name) from error
    ns = {"ss": _SPREADSHEET_ML}
    out = []
    for index, sheet in enumerate(root.iterfind("ss:Worksheet", ns), start=1):
        rows: Rows = []
        for row in sheet.iterfind("ss:Table/ss:Row", ns):
            cells: list[str | None] = []
            for cell in row.iterfind("ss:Cell", ns):
                at = cell.get(f"{{{_SPREADSHEET_ML}}}Index")
                if at and at.isdigit() and int(at) - 1 > len(cells):
                    cells.extend([None] * min(int(at) - 1 - len(cells), 1000))
                data = cell.find("ss:Data", ns)
                cells.append("".join(data.itertext()) if data is not None else None)
                span = cell.get(f"{{{_SPREADSHEET_ML}}}MergeAcross")
                cells.extend([None] * min(int(span) if span and span.isdigit() else 0, 1000))
            rows.append(cells)
        out.append((sheet.get(f"{{{_SPREADSHEET_ML}}}Name") or f"Table {index}", rows, True))
    if not out:
        raise FunnelError("file.excel_unreadable", file=file_name)
    return out


def _html_tables(path: Path, file_name: str) -> list[tuple[str, Rows, bool]]:
    import lxml.html

    text = _html_text(path.read_bytes())
    if _SPREADSHEET_ML in text[:4096]:
        return _spreadsheet_ml(re.sub(r"^\s*<\?xml[^>]*\?>", "", text), file_name)
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
