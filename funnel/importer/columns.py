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
    unverified: bool = False  # a fast path taken on a probe: to be confirmed by :func:`confirm_typed`
    dot_groups: str | None = None  # a number column's ``1.234``: values.ColumnProfile.dot_groups


def field_kind(field: str) -> str:
    kind = FIELD_KINDS.get(field, "text")
    return "text" if kind == "status" else kind


def typed_columns(con, table: str, headers: list[str], fields: dict[str, int],
                  date_order: str | None) -> list[TypedColumn]:
    """The typed expressions of the mapped columns. A date column whose probe picks one ISO format
    gets that format's fast path unverified (``unverified``): the typing pass itself shows whether
    every cell parsed (:func:`confirm_typed`), instead of a separate scan of the column first."""
    out = []
    for field, index in fields.items():
        col = f"c{index}"
        raw = ident(col)
        kind = field_kind(field)
        if kind == "date":
            out.append(date_column(con, table, field, index, headers[index], date_order))
            continue
        if kind == "number":
            expr, dots = number_column(con, table, col)
            out.append(TypedColumn(field, index, headers[index], kind, expr, raw, dot_groups=dots))
            continue
        if kind == "bool":
            expr = bool_sql(raw)
        else:
            expr = raw  # staged cells are stripped, empty ones NULL: the cell is the value
        out.append(TypedColumn(field, index, headers[index], kind, expr, raw))
    return out


def date_column(con, table: str, field: str, index: int, header: str, date_order: str | None) -> TypedColumn:
    """A date column typed as :func:`date_expr` would, except that an ISO fast path picked by the
    probe is left ``unverified`` for :func:`confirm_typed`."""
    col = f"c{index}"
    fmt = _probe_iso_format(con, table, col)
    if fmt is not None:
        return TypedColumn(field, index, header, "date", _iso_sql(ident(col), fmt), ident(col), unverified=True)
    expr, ambiguous = general_date_expr(con, table, col, date_order)
    return TypedColumn(field, index, header, "date", expr, ident(col), ambiguous)


def confirm_typed(con, table: str, typed_table: str, typed: list[TypedColumn], date_order: str | None,
                  where: str = "") -> list[TypedColumn]:
    """The unverified fast paths of ``typed`` whose column did not parse in full, each replaced in
    ``typed`` by the general expression (the caller types those rows again); [] when all held.

    ``typed_table`` holds one row per row of ``table`` (``where``: the same filter on both), the
    typed column under the field's name: the fast path held when it typed as many cells as the
    column has non-empty ones, i.e. exactly when :func:`date_expr` would have taken it.
    """
    fast = [col for col in typed if col.unverified]
    if not fast:
        return []
    staged = run(con, render("SELECT {n} FROM {t} {w}", n=", ".join(render("count({c})", c=col.raw) for col in fast),
                             t=ident(table), w=where)).fetchone()
    parsed = run(con, render("SELECT {n} FROM {t}", n=", ".join(render("count({c})", c=ident(col.field)) for col in fast),
                             t=ident(typed_table))).fetchone()
    failed = []
    for k, col in enumerate(fast):
        col.unverified = False
        if parsed[k] != staged[k]:
            col.expr, col.ambiguous_dates = general_date_expr(con, table, f"c{col.index}", date_order)
            failed.append(col)
    return failed


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
            return _iso_sql(raw, fmt), False
    return general_date_expr(con, table, column, date_order, alias=alias)


def general_date_expr(con, table: str, column: str, date_order: str | None = None, *,
                      alias: str | None = None) -> tuple[str, bool]:
    """The general path of :func:`date_expr`: the whole column profiled, every candidate format."""
    col = ident(column)
    raw = ident(alias) + "." + col if alias else col
    profile = profile_column(con, table, column, prefer="date", date_order_hint=date_order, count=False)
    return date_sql(raw, profile), bool(profile.ambiguous)


def _iso_sql(raw: str, fmt: str) -> str:
    # %n (fractions of 1 to 9 digits) reads as TIMESTAMP_NS: kept to the microsecond, as every other time
    return f"CAST(try_strptime({raw}, '{fmt}') AS TIMESTAMP)" if "%n" in fmt else f"try_strptime({raw}, '{fmt}')"


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
    return number_column(con, table, column)[0]


def number_column(con, table: str, column: str) -> tuple[str, str | None]:
    """:func:`number_expr`, and how the column's ``1.234`` were read (``ColumnProfile.dot_groups``:
    'thousands', 'ambiguous', or None when no value is of that form or the fast path held)."""
    raw = ident(column)
    plain, grouped, other = run(con, render(
        "SELECT count({c}) = count(*) FILTER (WHERE isfinite(TRY_CAST({c} AS DOUBLE)) AND NOT contains({c}, '_')), "
        "count(*) FILTER (WHERE contains({c}, '.') AND regexp_full_match({c}, $grouped)), "
        "count(*) FILTER (WHERE contains({c}, '.') AND NOT regexp_full_match({c}, $grouped)) FROM {t}",
        c=raw, t=ident(table)), {"grouped": r"[-+]?\d{1,3}\.\d{3}"}).fetchone()
    if plain:  # plain numbers carry no sign of a locale: every dot before three digits leaves a doubt
        return f"TRY_CAST({raw} AS DOUBLE)", "ambiguous" if grouped and not other else None
    profile = profile_column(con, table, column, prefer="number", count=False)
    return number_sql(raw, profile), profile.dot_groups


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
        inner.append(f"{ident(f'c{index}')} AS {ident(name)}")
        outer.append(ident(name))
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {ident(table)}) AS typed"
