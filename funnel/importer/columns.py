"""Typed SQL expressions for mapped columns of a staged file, and the rejected-row checks.

A mapped column becomes ``<expr> AS <field>``; dates, numbers and yes/no columns also get
``<field>__raw``: the cell text when it does not parse (NULL otherwise, so a clean column costs
no second copy of its text), so that the value can be reported with its row, column and value,
and the row rejected. Staged cells are already stripped with empty ones NULL (readers/staging.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..readers.values import bool_sql, date_sql, number_sql, profile_column, raw_value_sql
from ..schema import FIELD_KINDS, extra_column_name
from ..sql import ident, render, run

# Rows of a column profiled to pick the one format a fast path tries on the whole column.
PROBE_ROWS = 5000


CHECKED_KINDS = ("date", "number", "bool")  # kinds whose unparsable cells reject the row


@dataclass
class TypedColumn:
    field: str
    index: int
    header: str
    kind: str
    expr: str
    raw: str
    ambiguous_dates: bool = False


def field_kind(field: str) -> str:
    kind = FIELD_KINDS.get(field, "text")
    return "text" if kind == "status" else kind


def typed_columns(con, table: str, headers: list[str], fields: dict[str, int],
                  date_order: str | None) -> list[TypedColumn]:
    out = []
    for field, index in fields.items():
        col = f"c{index}"
        raw = ident(col)
        kind = field_kind(field)
        ambiguous = False
        if kind == "date":
            expr, ambiguous = date_expr(con, table, col, date_order)
        elif kind == "number":
            expr = number_expr(con, table, col)
        elif kind == "bool":
            expr = bool_sql(raw)
        else:
            expr = f"NULLIF(trim({raw}), '')"
        out.append(TypedColumn(field, index, headers[index], kind, expr, raw, ambiguous))
    return out


def date_expr(con, table: str, column: str, date_order: str | None = None, *,
              alias: str | None = None) -> tuple[str, bool]:
    """SQL typing a staged column as TIMESTAMP, and whether its day/month order is a guess.

    Fast path: when the first rows are ISO dates of one format without a UTC offset and EVERY
    non-empty cell of the column parses with that one format, the column is read with
    ``try_strptime(cell, format)``: for such cells this is what the general expression
    (:func:`values.date_sql`, which tries each candidate format after stripping offsets) gives,
    at a fraction of its cost, and an ISO column has no day/month ambiguity. Anything else
    (dd.mm.yyyy, offsets, Excel serials, a stray value further down) takes the general path,
    profiled over the whole column. ``alias``: the table alias the expression names the column by.
    """
    col = ident(column)
    raw = ident(alias) + "." + col if alias else col
    fmt = _probe_iso_format(con, table, column)
    if fmt is not None:
        same = run(con, render("SELECT count({c}) = count(try_strptime({c}, $fmt)) FROM {t}", c=col, t=ident(table)),
                   {"fmt": fmt}).fetchone()[0]
        if same:
            return f"try_strptime({raw}, '{fmt}')", False
    profile = profile_column(con, table, column, prefer="date", date_order_hint=date_order, count=False)
    return date_sql(raw, profile), bool(profile.ambiguous)


def _probe_iso_format(con, table: str, column: str) -> str | None:
    run(con, render("CREATE OR REPLACE TEMP TABLE imp_probe AS SELECT {c} AS v FROM {t} WHERE {c} IS NOT NULL "
                    "LIMIT {k}", c=ident(column), t=ident(table), k=str(PROBE_ROWS)))
    try:
        probe = profile_column(con, "imp_probe", "v", prefer="date", count=False)
    finally:
        run(con, "DROP TABLE imp_probe")
    if probe.kind != "date" or probe.date_order != "ymd" or probe.utc_offsets or probe.excel_serial \
            or probe.epoch_ms or not probe.date_formats:
        return None
    fmt = probe.date_formats[0]
    return fmt if fmt.startswith("%Y-%m-%d") and "'" not in fmt else None


def number_expr(con, table: str, column: str) -> str:
    """SQL typing a staged column as DOUBLE.

    Fast path: when every non-empty cell is a plain finite number as DuckDB reads one (``1250``,
    ``-3.5``, ``1e5``; no thousands separators, currency, suffixes or ``_``), the column is
    ``TRY_CAST(cell AS DOUBLE)``, which for such cells is what :func:`values.number_sql` gives.
    Otherwise the column is profiled and read with the general expression.
    """
    raw = ident(column)
    plain = run(con, render("SELECT count({c}) = count(*) FILTER (WHERE isfinite(TRY_CAST({c} AS DOUBLE)) "
                            "AND NOT contains({c}, '_')) FROM {t}", c=raw, t=ident(table))).fetchone()[0]
    if plain:
        return f"TRY_CAST({raw} AS DOUBLE)"
    return number_sql(raw, profile_column(con, table, column, prefer="number", count=False))


def extra_columns(headers: list[str], extras: dict[int, str], taken: set[str]) -> dict[str, tuple[int, str]]:
    """Stored name -> (column index, header) for the extra attribute columns, names made unique."""
    out: dict[str, tuple[int, str]] = {}
    for index, header in sorted(extras.items()):
        base = extra_column_name(header or headers[index])
        name, k = base, 2
        while name in out or name in taken:
            name, k = f"{base}_{k}", k + 1
        out[name] = (index, header or headers[index])
    return out


def select_list(typed: list[TypedColumn], extras: dict[str, tuple[int, str]], table: str) -> str:
    """SELECT of the typed rows of ``table`` (each parse expression evaluated once)."""
    inner = ["row_no"]
    outer = ["row_no"]
    for col in typed:
        inner.append(f"{col.expr} AS {ident(col.field)}")
        outer.append(ident(col.field))
        if col.kind in CHECKED_KINDS:  # the cell's text where it did not parse ("no value" words are empty)
            src = ident(col.field + "__src")
            inner.append(f"{col.raw} AS {src}")  # the word check runs only where the value is NULL
            outer.append(f"CASE WHEN {ident(col.field)} IS NULL THEN {raw_value_sql(src)} END "
                         f"AS {ident(col.field + '__raw')}")
    for name, (index, _header) in extras.items():
        inner.append(f"NULLIF(trim({ident(f'c{index}')}), '') AS {ident(name)}")
        outer.append(ident(name))
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {ident(table)}) AS typed"
