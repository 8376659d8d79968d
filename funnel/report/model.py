"""The report as data: sections of paragraphs, tables and figures, every word already translated.

Renderers (:mod:`.html`, :mod:`.xlsx`, the PDF through the HTML) only lay this out. Table cells hold
raw values (numbers stay numbers); a column's ``kind`` says how to show them, and a :class:`Cell`
overrides the kind of one cell (a KPI table mixes counts, rates and money in one column).
``None`` is a missing value: shown as "—", with the reason in a ``note`` column where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("text", "int", "pct", "money", "num", "days", "days_unit", "pp", "change", "p", "date", "code")


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    printed: bool = True  # False: a long text column kept for the workbook, left out of HTML and PDF


@dataclass
class Table:
    key: str  # stable id: the XLSX sheet order and tests use it
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    appendix: bool = False  # a long list (the deals behind a number): a workbook sheet, not printed

    def column(self, key: str) -> list[Any]:
        i = [c.key for c in self.columns].index(key)
        return [value_of(row[i]) for row in self.rows]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)  # plotly figure JSON (data, layout)
    note: str | None = None  # why the dataset cannot support this section


@dataclass
class Report:
    lang: str
    title: str
    cover: list[tuple[str, str]]  # (label, value) lines: dataset, source file, period, filters, ...
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    consultant: str | None = None
    logo: tuple[bytes, str] | None = None  # (image bytes, mime type)
    labels: dict[str, str] = field(default_factory=dict)  # renderer words: contents, page, ...

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def tables(self) -> list[Table]:
        return [table for s in self.sections for table in s.tables]


def value_of(cell: Any) -> Any:
    return cell.value if isinstance(cell, Cell) else cell


def kind_of(column: Column, cell: Any) -> str:
    return cell.kind if isinstance(cell, Cell) else column.kind
