"""The one path for every file a user downloads (deal lists, the quality report): CSV and XLSX.

A name in a CRM is whatever someone typed, so a cell can read ``=HYPERLINK("http://evil", "x")``
or ``Acme\\r=cmd|' /C calc'!A0``. Opened in a spreadsheet, such a cell must stay text:

- CSV, OWASP's advice for CSV injection: a text cell starting with ``=`` ``+`` ``-`` ``@``, tab or
  carriage return gets a leading apostrophe, and so does every line inside a cell (after a CR or
  LF) that starts with one; every field containing CR or LF is quoted (records end with CRLF, so
  Python's writer quotes a bare CR too: without quotes a spreadsheet would start a new row there
  and read the rest as a live formula).
- XLSX: every text is written as a string cell, never parsed as a formula or a link
  (``strings_to_formulas`` / ``strings_to_urls`` off), so no apostrophe is added there.

CSV follows the user's language: ``;`` between fields and a decimal comma in Russian (what Excel
expects on a Russian Windows), ``,`` and a point otherwise; UTF-8 with a BOM so Excel reads
Cyrillic and Chinese right.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_FORMULA = re.compile(r"([\r\n])([=+\-@\t])")


def defuse_text(value: str) -> str:
    """A text cell that no spreadsheet reads as a formula (see the module docstring)."""
    value = _LINE_FORMULA.sub(r"\1'\2", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def defuse(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: defuse_text(v) if isinstance(v, str) else v)
    return out


def csv_format(lang: str) -> tuple[str, str]:
    """(field separator, decimal mark) of CSV files in ``lang``."""
    return (";", ",") if lang == "ru" else (",", ".")


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    sep, decimal = csv_format(lang)
    text = defuse(frame).to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n",
                                quoting=csv.QUOTE_MINIMAL)
    return text.encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
