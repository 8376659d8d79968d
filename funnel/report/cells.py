"""A table cell as text in the report's language (HTML and PDF); the XLSX keeps the raw value."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..formats import DASH, fmt_date
from .model import Column, kind_of, value_of
from .words import Words


def display(column: Column, cell: Any, w: Words) -> str:
    value, kind = value_of(cell), kind_of(column, cell)
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    if kind == "date" and hasattr(value, "strftime"):  # 05.03.2024 / Mar 5, 2024 / 2024年3月5日, never ISO
        return fmt_date(value.date() if isinstance(value, datetime) else value, w.lang)
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
    if kind == "p":  # «< 0,001» in Russian (survey 51: «0.012» beside «12,5 %»)
        return "< " + w.num(0.001, 3) if value < 0.001 else w.num(value, 3)
    if kind == "change":
        return _signed(value, w.pct(abs(value)))
    if kind == "days_unit":  # days in a column of mixed kinds (a finding's value): with their unit
        return w("report.days_value", n=w.num(value, 1))
    return w.num(value, 1)


def _signed(value: float, text: str) -> str:
    return ("+" if value >= 0 else "−") + text


def is_number(column: Column, cell: Any) -> bool:
    return kind_of(column, cell) != "text" and isinstance(value_of(cell), int | float)
