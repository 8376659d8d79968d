"""A table cell as text in the report's language (HTML and PDF); the XLSX keeps the raw value."""

from __future__ import annotations

from typing import Any

from ..formats import DASH
from .model import Column, kind_of, value_of
from .words import Words


def display(column: Column, cell: Any, w: Words) -> str:
    value, kind = value_of(cell), kind_of(column, cell)
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    if kind == "date" and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if kind == "text" or not isinstance(value, int | float):
        return str(value)
    if kind == "int":
        return w.int(value)
    if kind == "pct":
        return w.pct(value)
    if kind == "money":
        return w.num(value)
    if kind == "pp":
        return _signed(value, w.num(abs(value), 1) + " " + w("report.pp"))
    if kind == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if kind == "change":
        return _signed(value, w.pct(abs(value)))
    return w.num(value, 1)


def _signed(value: float, text: str) -> str:
    return ("+" if value >= 0 else "−") + text


def is_number(column: Column, cell: Any) -> bool:
    return kind_of(column, cell) != "text" and isinstance(value_of(cell), int | float)
