"""Reading the data-quality report of a stored dataset (written by the importer)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from babel.dates import format_date

from . import exports
from .formats import DASH, fmt_int
from .i18n import catalog, in_quotes, locale, t
from .sql import render, run

_QUERY = """SELECT code, severity, row_no, column_name, value, detail, n FROM {quality}
            ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, code, row_no NULLS FIRST"""


def report(con, info) -> pd.DataFrame:
    """Every finding, summaries (no row) first within a code. Small: row examples are capped at import."""
    return run(con, render(_QUERY, quality=info.tables["quality"])).df()


def details_of(con, info, code: str) -> list[dict]:
    """The parameters of a dataset's findings of ``code`` (their summary lines): what a page says beside its own
    numbers (``people.ids_only``: the Managers page's rows are ids)."""
    rows = run(con, render("SELECT detail FROM {quality} WHERE code = $code AND row_no IS NULL ORDER BY column_name",
                           quality=info.tables["quality"]), {"code": code}).fetchall()
    out = []
    for (detail,) in rows:
        try:
            out.append(json.loads(detail) if detail else {})
        except ValueError:
            continue
    return out


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """One line per code and column: how many rows it concerns."""
    columns = ["code", "severity", "column_name", "value", "detail", "count", "counted"]
    rows = df[df["row_no"].isna()].copy()
    rows["count"] = rows["n"].fillna(1).astype("int64")
    rows["counted"] = rows["n"].notna()  # a note whose number is in its sentence (records read, tables) counts no rows
    for i in rows.index[rows["code"].isin(NAMED_VALUES) & rows["value"].isna()]:
        code, column = rows.at[i, "code"], rows.at[i, "column_name"]
        same = df[(df["code"] == code) & df["row_no"].notna() & df["value"].notna()
                  & ((df["column_name"] == column) | (df["column_name"].isna() & pd.isna(column)))]
        names = list(dict.fromkeys(_short(v) for v in same["value"].astype(str)))
        if names:  # the stages themselves, not only the rows: «Stage not in the funnel order» names them
            rows.at[i, "value"] = ", ".join(names[:NAMED_MAX]) + (", …" if len(names) > NAMED_MAX else "")
    return rows[columns].reset_index(drop=True)


# a summary line of these names the distinct values of its example rows (up to NAMED_MAX): the stages not in
# the order; the cells that did not read as a date, an amount, a yes/no (the CLI's line named the column and the
# rows, not «32.13.2024»); negative amounts; repeated deal ids
NAMED_VALUES = ("stages.unknown", "date.unreadable", "amount.unreadable", "reject.bad_date", "reject.bad_number",
                "reject.bad_boolean",
                # the amounts below zero (−30000 in a won deal's revenue) and the repeated ids (survey 30)
                "amount.negative", "deals.duplicate_id", "deals.rounded_id", "file.skipped_extra_cells", "file.skipped_short_cells", "history.unknown_deal")
NAMED_MAX = 5
NAMED_CHARS = 40  # a longer value (a note pasted into a date cell) is cut there


def _short(value: str) -> str:
    return value if len(value) <= NAMED_CHARS else value[:NAMED_CHARS - 1] + "…"


def translated(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The report with a translated ``finding`` column, for screens and the CSV download."""
    out = df.copy()
    counts = out["n"] if "n" in out.columns else out["count"] if "count" in out.columns else [None] * len(out)
    out.insert(0, "finding", [finding_text(c, d, lang, None if pd.isna(n) else int(n))
                              for c, d, n in zip(out["code"], out["detail"], counts, strict=True)])
    return out


def finding_text(code: str, detail, lang: str, n: int | None = None) -> str:
    """One finding in words: importer findings are ``quality.<code>``, reader notes their own keys;
    ``detail`` holds the sentence's JSON parameters, ``n`` the finding's count when they name none; a ``sentence``
    among them is the key of another wording of the finding (one that shows more: a refresh's new stages with the
    order they were placed in), used where the catalog has it."""
    key = f"quality.{code}" if f"quality.{code}" in catalog(lang) else code
    params = {}
    if isinstance(detail, str) and detail.startswith("{"):
        try:
            params = json.loads(detail)
        except ValueError:
            params = {}
        if (sentence := params.pop("sentence", None)) in catalog(lang):
            key = sentence
        if isinstance(parts := params.get("parts"), list):  # a list of sentence parts, only those that apply
            params["parts"] = t("quality.parts_separator", lang).join(t(k, lang, **p) for k, p in parts)
    elif code == "stages.order_guessed" and isinstance(detail, str) and detail:  # the pipeline it was guessed for
        key, params = "pipes48.quality.order_guessed_in", {"pipeline": detail}  # (a known order's report listed it)
    elif f"{key}.bare" in catalog(lang):  # stored before its sentence had parameters
        key = f"{key}.bare"
    if "count" in params and "n" not in params:  # reader notes stored before plural counts were named n
        params["n"] = params.pop("count")
    if n is not None:
        params.setdefault("n", n)
    for name in [k for k in params if k.endswith("_day") and isinstance(params[k], str)]:
        try:  # an ISO date, written with the month's name in the reader's language (4 March 2023)
            params[name] = format_date(date.fromisoformat(params[name]), "long", locale=locale(lang))
        except (ValueError, KeyError):
            continue  # not an ISO date: shown as stored
    for name in [k for k in params if k.endswith("_key")]:  # a part of the sentence that has its own key
        params[name[:-4]] = t(str(params.pop(name)), lang, **params)
    if isinstance(params.get("encoding"), str):  # Python's codec name as people name the encoding: «Windows-1251»
        params["encoding"] = ENCODING_NAMES.get(params["encoding"].lower().replace("-", "_"), params["encoding"])
    return in_quotes(t(key, lang, **params), lang)


# the readers' codec names (sniff.CANDIDATE_ENCODINGS, mac_text.py) as Excel, Notepad and browsers name them
ENCODING_NAMES = {"cp1251": "Windows-1251", "cp1252": "Windows-1252", "koi8_r": "KOI8-R", "cp866": "DOS (CP866)",
                  "gb18030": "GB18030", "big5": "Big5", "shift_jis": "Shift_JIS", "euc_kr": "EUC-KR",
                  "utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE", "utf_16": "UTF-16", "mac_roman": "Mac Roman",
                  "mac_cyrillic": "Mac Cyrillic", "utf_8": "UTF-8"}


CSV_COLUMNS = ("finding", "severity", "row_no", "column_name", "value", "count", "code")
DISPLAY_COLUMNS = CSV_COLUMNS[:-1]


def _readable(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translated finding and severity, a row count per line; columns still named by their codes."""
    out = translated(df, lang)
    if "count" not in out.columns:
        out["count"] = out["n"].fillna(1).astype("int64")
    out["severity"] = [t(f"quality.severity.{s}", lang) for s in out["severity"]]
    return out


def _headers(cols: list[str], lang: str) -> dict[str, str]:
    return {c: t(f"quality.col.{c}", lang) for c in cols}


def to_csv(df: pd.DataFrame, lang: str) -> bytes:
    """The download: the screen's columns and headers in the reader's language plus the finding's
    code (to look it up), formula-looking cells defused, ``;`` and decimal comma in Russian
    (funnel.exports)."""
    cols = list(CSV_COLUMNS)
    return exports.to_csv(_readable(df, lang)[cols].rename(columns=_headers(cols, lang)), lang)


def display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The report as shown on screen: translated finding, severity and column headers, no codes."""
    out = _readable(df, lang)
    if "counted" in out.columns:  # a note whose number is in its sentence counts no rows: «—», not «1»
        out["count"] = [fmt_int(n, lang) if counted else DASH
                        for n, counted in zip(out["count"], out["counted"], strict=True)]
    out["value"] = [in_quotes(v, lang) if isinstance(v, str) else "—" if v is None or v != v else v
                    for v in out["value"]]  # “商务审批” in Chinese
    out["column_name"] = out["column_name"].fillna("—")
    cols = [c for c in DISPLAY_COLUMNS if c in out.columns]
    if "row_no" in cols and out["row_no"].isna().all():
        cols.remove("row_no")
    return out[cols].rename(columns=_headers(cols, lang))
