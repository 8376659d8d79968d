"""The real extent of every worksheet of an .xlsx (or an .ods), read by streaming its XML (nothing
allocated per cell), and the rows Excel hides.

A parser builds a sheet as a dense grid from A1 to its last cell, so one cell at XFD1048576 in a
1.5 KB file asks for 17 billion cells. The ``<dimension>`` element can lie or be absent, so the
extent is the largest row and column of any cell reference (``<c r="XFD1048576">``) actually present.
Only a cell that holds something counts: an empty cell that only carries a format (``<c r="F1048576"
s="1"/>``, written when borders or a fill are applied down to Excel's last row) is not read by the
parser, so it allocates nothing; counting it refused a three-deal sheet as "too big". The XML is read
in chunks; at most ``MAX_WORKBOOK_XML_BYTES`` of it in all (a zip bomb stops there).

The same pass notes the rows Excel hides (``<row … hidden="1">``: hidden by hand, or filtered out by
an AutoFilter, ``<autoFilter>``): the parser reads them like any other, so the import says it took them.

An OpenDocument spreadsheet (LibreOffice, ``content.xml``) is measured the same way: its rows and cells
repeat (``table:number-rows-repeated``, ``table:number-columns-repeated``), and LibreOffice ends every
sheet with an empty row repeated a million times, which counts for nothing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FunnelError
from . import limits

# a cell whose start tag does not close itself holds a value (<v>), an inline string or a formula
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,4})([0-9]{1,8})\"[^>]*?(/?)>")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NO = re.compile(rb"\br=\"([0-9]{1,8})\"")
_HIDDEN = re.compile(rb"\bhidden=\"(?:1|true)\"")
_AUTOFILTER = re.compile(rb"<(?:\w+:)?autoFilter\b")
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
CHUNK = 1 << 20
TAIL = 256  # a tag cut by a chunk boundary is read again with the next chunk

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class SheetScan:
    rows: int = 0
    columns: int = 0
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    autofilter: bool = False


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def scan_sheets(path: Path) -> dict[str, SheetScan]:
    """Worksheet part name -> its extent (rows, columns counted from A1, as a dense parser allocates
    them) and hidden rows."""
    out: dict[str, SheetScan] = {}
    total = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not _SHEET.match(name):
                continue
            scan = SheetScan()
            tail = b""
            with zf.open(name) as fh:
                while chunk := fh.read(CHUNK):
                    total += len(chunk)
                    _check_total(total, path)
                    data = tail + chunk
                    for m in _CELL_REF.finditer(data):
                        if m.group(3) != b"/":
                            scan.rows = max(scan.rows, int(m.group(2)))
                            scan.columns = max(scan.columns, column_number(m.group(1)))
                    for m in _ROW_TAG.finditer(data):
                        if _HIDDEN.search(m.group(1)) and (no := _ROW_NO.search(m.group(1))):
                            scan.hidden_rows.add(int(no.group(1)))
                    scan.autofilter = scan.autofilter or bool(_AUTOFILTER.search(data))
                    tail = data[-TAIL:]
            out[name] = scan
    return out


def sheet_extents(path: Path) -> dict[str, tuple[int, int]]:
    """Worksheet part name -> (rows, columns) counted from A1, as a dense parser would allocate."""
    return {name: (scan.rows, scan.columns) for name, scan in scan_sheets(path).items()}


def _check_total(total: int, path: Path) -> None:
    if total > limits.MAX_WORKBOOK_XML_BYTES:
        raise FunnelError("limits.workbook_xml_too_big", file=path.name,
                          limit=limits._mb(limits.MAX_WORKBOOK_XML_BYTES))


_WB_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(r"([\w:]+)=\"([^\"]*)\"")
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")


def sheet_parts(path: Path) -> dict[str, str]:
    """Worksheet part name (``xl/worksheets/sheet1.xml``) -> the sheet's name as Excel shows it, from
    ``xl/workbook.xml`` and its relationships; {} when they cannot be read."""
    try:
        with zipfile.ZipFile(path) as zf:
            workbook = zf.read("xl/workbook.xml")[: 1 << 22].decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels")[: 1 << 22].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        attrs = dict(_ATTR.findall(m.group(1)))
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"].lstrip("/")
            targets[attrs["Id"]] = target if target.startswith("xl/") else "xl/" + target
    out = {}
    for m in _WB_SHEET.finditer(workbook):
        attrs = dict(_ATTR.findall(m.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in targets and "name" in attrs:
            out[targets[rid]] = _unescape(attrs["name"])
    return out


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def hidden_rows(path: Path) -> dict[str, tuple[set[int], bool]]:
    """Sheet name -> (its hidden rows, whether an AutoFilter is set), for sheets that hide rows."""
    names = sheet_parts(path)
    return {names.get(part, part): (scan.hidden_rows, scan.autofilter)
            for part, scan in scan_sheets(path).items() if scan.hidden_rows}


def check_workbook(path: Path, file_name: str) -> None:
    """Refuse a workbook one of whose sheets spans more cells than the limits allow."""
    for name, (rows, cols) in sheet_extents(path).items():
        limits.check_sheet(file_name, name.rsplit("/", 1)[-1].removesuffix(".xml"), rows, cols)


def is_ods(path: Path) -> bool:
    """An OpenDocument spreadsheet: a zip whose ``mimetype`` says so (LibreOffice's .ods)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return "mimetype" in zf.namelist() and zf.read("mimetype")[:100].strip() == ODS_MIMETYPE
    except zipfile.BadZipFile:
        return False


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb"\btable:name=\"([^\"]*)\"")
_ROWS_REPEATED = re.compile(rb"\btable:number-rows-repeated=\"([0-9]{1,9})\"")
_COLUMNS_REPEATED = re.compile(rb"\btable:number-columns-repeated=\"([0-9]{1,9})\"")
_VISIBILITY = re.compile(rb"\btable:visibility=\"(?:collapse|filter)\"")


@dataclass
class _OdsState:
    sheet: str | None = None
    row: int = 0  # rows passed in the current table
    col: int = 0  # cells passed in the current row
    repeat: int = 1  # the current row's repeats
    filled: bool = False  # the current row holds a value
    hidden: bool = False  # the current row is collapsed or filtered out


def ods_extents(path: Path) -> dict[str, SheetScan]:
    """Sheet name -> extent of every table of an .ods's ``content.xml``: the last row and column that
    hold something, repeats counted (a dense parser expands them). Streamed; a tag is never split, as
    each chunk is read up to its last ``>``."""
    out: dict[str, SheetScan] = {}
    total = 0
    state = _OdsState()
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        rest = b""
        while chunk := fh.read(CHUNK):
            total += len(chunk)
            _check_total(total, path)
            data = rest + chunk
            cut = data.rfind(b">") + 1
            _ods_tags(data[:cut], out, state)
            rest = data[cut:]
            if len(rest) > CHUNK:  # no tag end in a whole chunk: text, not tags
                rest = rest[-TAIL:]
    return out


def _ods_tags(data: bytes, out: dict[str, SheetScan], state: _OdsState) -> None:
    for m in _ODS_TAG.finditer(data):
        closing, tag, attrs, empty = m.group(1) == b"/", m.group(2), m.group(3), m.group(4) == b"/"
        if tag == b"table" and not closing:
            name = _ODS_NAME.search(attrs)
            state.sheet = name.group(1).decode("utf-8", "replace") if name else str(len(out) + 1)
            out[state.sheet] = SheetScan()
            state.row = 0
        elif tag == b"table-row" and not closing:
            rep = _ROWS_REPEATED.search(attrs)
            state.repeat, state.col, state.filled = int(rep.group(1)) if rep else 1, 0, False
            state.hidden = bool(_VISIBILITY.search(attrs))
            if empty:
                state.row += state.repeat
        elif tag == b"table-row":
            _end_row(out, state)
        elif not closing:  # a cell, covered or not
            rep = _COLUMNS_REPEATED.search(attrs)
            state.col += int(rep.group(1)) if rep else 1
            sheet = out.get(state.sheet or "")
            if (b"office:value-type" in attrs or not empty) and sheet is not None:
                state.filled = True
                sheet.columns = max(sheet.columns, state.col)


def _end_row(out: dict[str, SheetScan], state: _OdsState) -> None:
    start = state.row
    state.row += state.repeat
    sheet = out.get(state.sheet or "")
    if sheet is None or not state.filled:
        return
    sheet.rows = state.row
    if state.hidden and state.repeat <= limits.EXCEL_ROWS:
        sheet.hidden_rows.update(range(start + 1, state.row + 1))


def check_ods(path: Path, file_name: str) -> dict[str, SheetScan]:
    """Refuse an .ods one of whose sheets spans more cells than the limits allow; its scans."""
    scans = ods_extents(path)
    for name, scan in scans.items():
        limits.check_sheet(file_name, name, scan.rows, scan.columns)
    return scans


# a formula cell with no saved value: <c r="E2"><f>C2*D2</f><v></v></c>, <c r="E2"><f>C2*D2</f></c>
_UNCACHED = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,4})([0-9]{1,8})\"[^>]*>\s*<(?:\w+:)?f\b[^>]*"
                       rb"(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*"
                       rb"</(?:\w+:)?c>")


# an error cell (#DIV/0!, #N/A, #VALUE!…), computed by a formula or typed: ``t="e"`` among its attributes
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b(?=[^>]*?\bt=\"e\")[^>]*?\br=\"([A-Z]{1,4})([0-9]{1,8})\"")


# the cells a workbook reader gives as empty though they held something, each with the test that a chunk may hold one
# at all: a formula saved without its value (a workbook written by a library, openpyxl or a script's export, keeps
# the formula only; Excel computes it on opening: survey 32's «Бюджет = Кол-во × Цена» read as no amount, revenue
# gone, nothing said) and an error cell (#DIV/0!: two won deals counted without revenue, nothing said)
UNREAD_CELLS = {"formula_uncached": (_UNCACHED, lambda data: b"<f" in data or b":f" in data),
                "error": (_ERROR_CELL, lambda data: b'"e"' in data)}


def unread_cells(path: Path, sheet: str) -> dict[str, dict[int, tuple[int, int]]]:
    """Per kind of :data:`UNREAD_CELLS`: column (0-based) -> (cells, first row) of the sheet, in one read of its
    XML (a chunk is searched for a kind only where it may hold one)."""
    part = next((p for p, name in sheet_parts(path).items() if name == sheet), None)
    out: dict[str, dict[int, tuple[int, int]]] = {kind: {} for kind in UNREAD_CELLS}
    if part is None:
        return out
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            for kind, (pattern, worth) in UNREAD_CELLS.items():
                if not worth(data):
                    continue
                found = out[kind]
                for m in pattern.finditer(data):
                    if m.end() <= len(tail):  # counted with the chunk before
                        continue
                    column, row = column_number(m.group(1)) - 1, int(m.group(2))
                    n, first = found.get(column, (0, row))
                    found[column] = (n + 1, min(first, row))
            tail = data[-TAIL:]
    return out
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            if worth(data):
                for m in pattern.finditer(data):
                    if m.end() <= len(tail):  # counted with the chunk before
                        continue
                    column, row = column_number(m.group(1)) - 1, int(m.group(2))
                    n, first = out.get(column, (0, row))
                    out[column] = (n + 1, min(first, row))
            tail = data[-TAIL:]
    return out
