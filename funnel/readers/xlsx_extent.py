"""The real extent of every worksheet of an .xlsx, read by streaming its XML (nothing allocated per cell).

A parser builds a sheet as a dense grid from A1 to its last cell, so one cell at XFD1048576 in a
1.5 KB file asks for 17 billion cells. The ``<dimension>`` element can lie or be absent, so the
extent is the largest row and column of any cell reference (``<c r="XFD1048576">``) or row number
(``<row r="…">``) actually present. The XML is read in chunks; at most ``MAX_WORKBOOK_XML_BYTES``
of it in all (a zip bomb stops there).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import FunnelError
from . import limits

_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,4})([0-9]{1,8})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"([0-9]{1,8})\"")
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
CHUNK = 1 << 20
TAIL = 256  # a tag cut by a chunk boundary is read again with the next chunk


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def sheet_extents(path: Path) -> dict[str, tuple[int, int]]:
    """Worksheet part name -> (rows, columns) counted from A1, as a dense parser would allocate."""
    out: dict[str, tuple[int, int]] = {}
    total = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not _SHEET.match(name):
                continue
            rows = cols = 0
            tail = b""
            with zf.open(name) as fh:
                while chunk := fh.read(CHUNK):
                    total += len(chunk)
                    if total > limits.MAX_WORKBOOK_XML_BYTES:
                        raise FunnelError("limits.workbook_xml_too_big", file=path.name,
                                          limit=limits._mb(limits.MAX_WORKBOOK_XML_BYTES))
                    data = tail + chunk
                    for m in _CELL_REF.finditer(data):
                        rows = max(rows, int(m.group(2)))
                        cols = max(cols, column_number(m.group(1)))
                    for m in _ROW_REF.finditer(data):
                        rows = max(rows, int(m.group(1)))
                    tail = data[-TAIL:]
            out[name] = (rows, cols)
    return out


def check_workbook(path: Path, file_name: str) -> None:
    """Refuse a workbook one of whose sheets spans more cells than the limits allow."""
    for name, (rows, cols) in sheet_extents(path).items():
        limits.check_sheet(file_name, name.rsplit("/", 1)[-1].removesuffix(".xml"), rows, cols)
