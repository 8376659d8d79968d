"""The report's tables as a workbook: a cover sheet, then one sheet per table.

Numbers are written as numbers with a display format (counts ``#,##0``, rates ``0.0%``, money
``#,##0``, changes with a sign); headers are bold and frozen; every text cell is written with
``write_string`` and the workbook never turns strings into formulas or links, so a deal or stage
called ``=cmd|' /C calc'!A0`` is plain text in the cell.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import xlsxwriter

from .model import Report, Table, kind_of, value_of
from .words import Words

FORMATS = {"int": "#,##0", "pct": "0.0%", "money": "#,##0", "num": "#,##0.0", "days": "0.0", "days_unit": "0.0",
           "change": "+0.0%;-0.0%;0.0%", "p": "0.000"}
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = BAD_SHEET_CHARS.sub(" ", title).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook, w: Words):
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#F1F5F9", "bottom": 1, "text_wrap": True,
                                       "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        pp = w("report.pp").replace('"', "")
        self.number = {kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()}
        self.number["pp"] = book.add_format({"num_format": f'+0.0" {pp}";-0.0" {pp}";0.0" {pp}"'})


def _write_table(sheet, table: Table, fmt: _Formats) -> None:
    widths = [max(10, min(60, len(c.label) + 2)) for c in table.columns]
    for j, column in enumerate(table.columns):
        sheet.write_string(0, j, column.label, fmt.header)
    for i, row in enumerate(table.rows, 1):
        for j, (column, cell) in enumerate(zip(table.columns, row, strict=True)):
            value, kind = value_of(cell), kind_of(column, cell)
            if value is None:
                continue
            if kind == "date" and isinstance(value, datetime):
                sheet.write_datetime(i, j, value, fmt.date)
                widths[j] = max(widths[j], 17)
            elif isinstance(value, bool) or not isinstance(value, int | float) or kind == "text":
                text = str(value)
                sheet.write_string(i, j, text, fmt.wrap if len(text) > 60 else None)
                widths[j] = max(widths[j], min(60, len(text) + 2))
            else:
                sheet.write_number(i, j, float(value), fmt.number.get(kind, fmt.number["num"]))
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width)
    sheet.freeze_panes(1, 0)


def render_xlsx(report: Report) -> bytes:
    w = Words(report.lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    fmt = _Formats(book, w)
    used: set[str] = set()
    cover = book.add_worksheet(_sheet_name(report.labels.get("cover_title", "Report"), used))
    cover.write_string(0, 0, report.title, fmt.title)
    lines = list(report.cover)
    if report.consultant:
        lines.append((report.labels.get("prepared_by", ""), report.consultant))
    for i, (label, value) in enumerate(lines, 2):
        cover.write_string(i, 0, str(label), fmt.header)
        cover.write_string(i, 1, str(value))
    row = len(lines) + 3
    for section in report.sections:
        for text in ([section.note] if section.note else []) + section.paragraphs + section.bullets:
            cover.write_string(row, 0, section.title, fmt.header)
            cover.write_string(row, 1, text, fmt.wrap)
            row += 1
    cover.set_column(0, 0, 28)
    cover.set_column(1, 1, 110)
    for table in report.tables():
        _write_table(book.add_worksheet(_sheet_name(table.title, used)), table, fmt)
    book.close()
    return buffer.getvalue()
