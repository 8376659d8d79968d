"""Typed SQL expressions for mapped columns of a staged file, and the rejected-row checks.

A mapped column becomes ``<expr> AS <field>``; dates and numbers also keep their raw text as
``<field>__raw`` so that a value that does not parse can be reported with its row, column and
value, and the row rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..readers.values import bool_sql, date_sql, number_sql, profile_column, raw_value_sql
from ..schema import FIELD_KINDS, extra_column_name
from ..sql import ident


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
            profile = profile_column(con, table, col, prefer="date", date_order_hint=date_order, count=False)
            expr = date_sql(raw, profile)
            ambiguous = bool(profile.ambiguous)
        elif kind == "number":
            profile = profile_column(con, table, col, prefer="number", count=False)
            expr = number_sql(raw, profile)
        elif kind == "bool":
            expr = bool_sql(raw)
        else:
            expr = f"NULLIF(trim({raw}), '')"
        out.append(TypedColumn(field, index, headers[index], kind, expr, raw, ambiguous))
    return out


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


def select_list(typed: list[TypedColumn], extras: dict[str, tuple[int, str]]) -> str:
    parts = ["row_no"]
    for col in typed:
        parts.append(f"{col.expr} AS {ident(col.field)}")
        if col.kind in ("date", "number", "bool"):
            parts.append(f"{raw_value_sql(col.raw)} AS {ident(col.field + '__raw')}")
    for name, (index, _header) in extras.items():
        parts.append(f"NULLIF(trim({ident(f'c{index}')}), '') AS {ident(name)}")
    return ", ".join(parts)
