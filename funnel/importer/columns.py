"""Typed SQL expressions for mapped columns of a staged file, and the rejected-row checks.

A mapped column becomes ``<expr> AS <field>``; dates, numbers and yes/no columns also get
``<field>__raw``: the cell text when it does not parse (NULL otherwise, so a clean column costs
no second copy of its text), so that the value can be reported with its row, column and value,
and the row rejected. Staged cells are already stripped with empty ones NULL (readers/staging.py).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, replace
from datetime import date

from ..readers.values import (
    CHECK_MARKS,
    ColumnProfile,
    bool_sql,
    date_sql,
    no_date_sql,
    number_sql,
    profile_column,
    raw_date_value_sql,
    raw_value_sql,
    with_day_month_order,
)
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
    date_order: str | None = None  # the day/month order applied to an ambiguous date column
    dot_groups: str | None = None  # a number column's ``1.234``: values.ColumnProfile.dot_groups
    year_first: bool = False  # «24/01/05» read year first (values.ColumnProfile.year_first): said


# Headers in a language whose countries write the day first (RU, FR, DE, ES, PT, IT): Cyrillic, the
# accented letters of those languages, or their usual date and money words.
_DAY_FIRST_HEADER = re.compile(
    r"[а-яё]|[àâçéèêëîïôûùüÿñæœäößãõ]|\b(?:datum|erstellt|betrag|fecha|importe|cierre|montant|statut|data de"
    r"|valor|importo|creato|chiuso|criad[oa]|cread[oa]|etapa|fechad[oa]|fechamento|cerrad[oa]|propietario"
    r"|responsavel)\b", re.IGNORECASE)  # «Criado em», «Etapa» without an accent (survey 34: a Kommo PT export)


@dataclass
class FileDates:
    """The day/month order of one import's dd/mm columns, decided once for the file (and its history
    file): a column whose values settle it (a day > 12) settles it for every ambiguous column of both
    files; else the preset's order; else, when created and closed are both ambiguous, the order under
    which fewer deals close before they were created; else the file's locale (a ``;`` delimiter,
    decimal-comma amounts, day-first headers) says day first; else each column's separator (``/``
    month first, ``.`` and ``-`` day first). ``reason`` names the rule that decided (for the warning)."""
    order: str | None = None  # None: each column keeps its separator's order
    reason: str = "default"   # 'column' | 'dataset' | 'preset' | 'cycle' | 'semicolon' | 'decimal_comma' | 'headers' | 'default'
    settled_by: str | None = None  # the header of the column that settled it ('column')
    settled_twelve_hour: bool = False  # that column's times are on a 12-hour clock
    profiles: dict[tuple[str, str], ColumnProfile | str] = dataclasses.field(default_factory=dict)  # str: an ISO fast path
    timezone: str | None = None  # the dataset's zone: instants read as its wall-clock time (values.date_sql)
    # the one order this file's values settle (a day > 12), kept with the dataset: next week's export of the same
    # CRM, whose days may all be ≤ 12, is read the same way (reason 'dataset')
    found: str | None = None

    def apply(self, profile: ColumnProfile) -> tuple[ColumnProfile, bool]:
        """The profile read in the file's order and zone, and whether the order is still a guess (to warn)."""
        profile = replace(profile, timezone=self.timezone)
        if not profile.ambiguous or profile.date_order not in ("dmy", "mdy"):
            return profile, False
        if self.order is None:
            return profile, True
        if self.reason == "column" and profile.twelve_hour and not self.settled_twelve_hour:
            # «4/12/2024 10:00 AM» beside day-first «13.03.2024»: another system's US dates, not the file's
            # order (survey 22: every close read a month off, silently); its own order, said as a guess
            return profile, True
        turned = with_day_month_order(profile, self.order)
        return (replace(turned, ambiguous=False), False) if self.reason == "column" else (turned, True)


def field_kind(field: str) -> str:
    kind = FIELD_KINDS.get(field, "text")
    return "text" if kind == "status" else kind


def typed_columns(con, table: str, headers: list[str], fields: dict[str, int],
                  date_order: str | None, dates: FileDates | None = None) -> list[TypedColumn]:
    """The typed expressions of the mapped columns. A date column whose probe picks one ISO format
    gets that format's fast path unverified (``unverified``): the typing pass itself shows whether
    every cell parsed (:func:`confirm_typed`), instead of a separate scan of the column first."""
    out = []
    for field, index in fields.items():
        col = f"c{index}"
        raw = ident(col)
        kind = field_kind(field)
        if kind == "date":
            out.append(date_column(con, table, field, index, headers[index], date_order, dates))
            continue
        if kind == "number":
            expr, dots = number_column(con, table, col)
            out.append(TypedColumn(field, index, headers[index], kind, expr, raw, dot_groups=dots))
            continue
        if kind == "bool":
            expr = f"({raw} IS NOT NULL)" if _is_checkbox(con, table, col) else bool_sql(raw)
        elif field in PLACEHOLDER_FIELDS:
            expr = raw_value_sql(_edges_trimmed(raw) if _has_edge_breaks(con, table, raw) else raw)
        elif field == "pipeline" and _has_edge_breaks(con, table, raw):
            expr = _edges_trimmed(raw)
        else:
            expr = raw  # staged cells are stripped, empty ones NULL: the cell is the value
        out.append(TypedColumn(field, index, headers[index], kind, expr, raw))
    return out


# Attributes a breakdown groups by: a "no value" word («#N/A» of a Salesforce Data Loader file, «N/A»,
# «-») is no source or manager of its own but an empty cell, which the breakdowns show as «not set»
PLACEHOLDER_FIELDS = ("source", "manager", "variant", "lost_reason")
_BREAKS = ("chr(10)", "chr(13)", "chr(9)")


def _edge_test(raw: str) -> str:
    return " OR ".join(f"{side}({raw}, {ch})" for side in ("prefix", "suffix") for ch in _BREAKS)


def _has_edge_breaks(con, table: str, raw: str) -> bool:
    """Whether any cell of the column begins or ends with a line break or a tab (one scan that stops at the first;
    the typed expression then trims, evaluated once or twice per cell, only where one does)."""
    return bool(run(con, render("SELECT EXISTS (SELECT 1 FROM {t} WHERE {x})", t=ident(table), x=_edge_test(raw))
                    ).fetchone()[0])


def _edges_trimmed(raw: str) -> str:
    """A name cell without the line breaks and tabs at its ends, which staging leaves (only spaces are stripped
    there, for speed): «Иванов» written with Alt+Enter after it in Excel made a second manager «Иванов» beside
    the first (survey 32). Only cells that begin or end with one are trimmed; the test reads two bytes."""
    return f"(CASE WHEN {_edge_test(raw)} THEN NULLIF(trim({raw}, ' ' || chr(9) || chr(10) || chr(13)), '') ELSE {raw} END)"


def _is_checkbox(con, table: str, col: str) -> bool:
    """A checkbox column as Airtable's CSV writes it: «checked» (or one mark: ✓, a sheet's «x») on ticked
    rows, nothing on the others (readers.values.CHECK_MARKS). There a filled cell is TRUE and an empty one
    an unticked box (FALSE), not an unknown; elsewhere an empty flag stays unknown."""
    kinds = run(con, render("SELECT DISTINCT lower(trim({c})) FROM {t} WHERE {c} IS NOT NULL LIMIT 2",
                            c=ident(col), t=ident(table))).fetchall()
    return len(kinds) == 1 and kinds[0][0] in CHECK_MARKS


def date_column(con, table: str, field: str, index: int, header: str, date_order: str | None,
                dates: FileDates | None = None) -> TypedColumn:
    """A date column typed as :func:`date_expr` would, except that an ISO fast path picked by the
    probe is left ``unverified`` for :func:`confirm_typed`."""
    col = f"c{index}"
    known = dates.profiles.get((table, col)) if dates else None
    fmt = known if isinstance(known, str) else None if known is not None else _probe_iso_format(con, table, col)
    if fmt is not None:
        return TypedColumn(field, index, header, "date", _iso_sql(ident(col), fmt), ident(col), unverified=True)
    profile, ambiguous = _general_profile(con, table, col, date_order, dates)
    return TypedColumn(field, index, header, "date", date_sql(ident(col), profile), ident(col), ambiguous,
                       date_order=profile.date_order if ambiguous else None, year_first=profile.year_first)


def file_dates(con, columns: list[tuple[str, str, str, str]], preset: str | None, *, delimiter: str | None = None,
               headers: list[str] | None = None, amount: tuple[str, str] | None = None,
               known: str | None = None) -> FileDates:
    """Decide the day/month order of an import's date columns (see :class:`FileDates`).

    ``columns``: (table, staged column, header, field) of every date column of the deals file and its
    history; each is profiled once here (the profiles are kept for typing). ``amount``: (table, column)
    of the amount, whose decimal comma is locale evidence. ``known``: the order the dataset's earlier exports
    settled (a refresh): after this file's own columns, before the preset (a Salesforce report of a British
    team read month first in a week whose days were all ≤ 12: its cycles 61 days for 33; survey 28)."""
    out = FileDates()
    ambiguous: dict[str, tuple[str, str, ColumnProfile]] = {}
    settled: dict[str, tuple[str, bool]] = {}
    for table, col, header, name in columns:
        fmt = _probe_iso_format(con, table, col)
        if fmt is not None:
            out.profiles[(table, col)] = fmt
            continue
        profile = profile_column(con, table, col, prefer="date", count=False)
        out.profiles[(table, col)] = profile
        if profile.date_order in ("dmy", "mdy"):
            if profile.ambiguous:
                ambiguous[name] = (table, col, profile)
            else:
                settled.setdefault(profile.date_order, (header, profile.twelve_hour))
    if len(settled) == 1:
        out.found = next(iter(settled))
    if not ambiguous:
        return out
    if len(settled) == 1:  # two columns settling opposite orders: each ambiguous one keeps its own rule
        (order, (header, twelve)), = settled.items()
        return replace(out, order=order, reason="column", settled_by=header, settled_twelve_hour=twelve)
    if known in ("dmy", "mdy") and not settled:
        return replace(out, order=known, reason="dataset")
    # «01/02/2024 10:00:00 am»: a 12-hour clock is not a day-first locale's, so a «;» says nothing of the order
    # (Bitrix24 separates with «;» in every language: its English portal's dates read day first gave a cycle of
    # 275 days for 30; reference audit, hard case 21)
    semicolon = delimiter == ";" and not any(p.twelve_hour for _t, _c, p in ambiguous.values())
    if preset in ("dmy", "mdy"):
        # a CRM that writes dates in its user's locale (Salesforce, Bitrix24 in English): a European file of
        # «1-2-2018» under «;» and «100,00» is day first whatever the CRM's American default (survey 36: a Dutch
        # Salesforce report's cycles of 135.5 days for 4.5, «because this CRM writes dates that way»)
        if preset == "mdy" and semicolon:
            return replace(out, order="dmy", reason="semicolon")
        if preset == "mdy" and amount is not None and \
                profile_column(con, *amount, prefer="number", count=False).decimal == ",":
            return replace(out, order="dmy", reason="decimal_comma")
        return replace(out, order=preset, reason="preset")
    if "created_at" in ambiguous and "closed_at" in ambiguous:
        order = _fewer_closed_before_created(con, ambiguous["created_at"], ambiguous["closed_at"])
        if order:
            return replace(out, order=order, reason="cycle")
    if semicolon:
        return replace(out, order="dmy", reason="semicolon")
    if amount is not None and profile_column(con, *amount, prefer="number", count=False).decimal == ",":
        return replace(out, order="dmy", reason="decimal_comma")
    if any(_DAY_FIRST_HEADER.search(h or "") for h in headers or []):
        return replace(out, order="dmy", reason="headers")
    return out


def _fewer_closed_before_created(con, created: tuple, closed: tuple) -> str | None:
    """'dmy' or 'mdy': the order under which fewer rows close before they were created (one scan of the
    two columns, both read both ways); None when both orders give as many (or the columns are not of
    one table)."""
    if created[0] != closed[0]:
        return None
    reads = {order: (date_sql(ident(created[1]), with_day_month_order(created[2], order)),
                     date_sql(ident(closed[1]), with_day_month_order(closed[2], order))) for order in ("dmy", "mdy")}
    dmy, mdy = run(con, render("SELECT count(*) FILTER (WHERE {cl_d} < {cr_d}), count(*) FILTER (WHERE {cl_m} < {cr_m}) "
                               "FROM {t}", cr_d=reads["dmy"][0], cl_d=reads["dmy"][1], cr_m=reads["mdy"][0],
                               cl_m=reads["mdy"][1], t=ident(created[0]))).fetchone()
    return None if dmy == mdy else "dmy" if dmy < mdy else "mdy"


def _general_profile(con, table: str, column: str, date_order: str | None,
                     dates: FileDates | None) -> tuple[ColumnProfile, bool]:
    """The whole column's date profile (profiled once per import when ``dates`` holds it), read in the
    file's day/month order, and whether that order is a guess."""
    known = dates.profiles.get((table, column)) if dates else None
    if dates is None or not isinstance(known, ColumnProfile):
        profile = profile_column(con, table, column, prefer="date", date_order_hint=date_order, count=False)
        if dates is None:
            return profile, bool(profile.ambiguous)
        known = profile
    return dates.apply(known)


def confirm_typed(con, table: str, typed_table: str, typed: list[TypedColumn], date_order: str | None,
                  where: str = "", dates: FileDates | None = None) -> list[TypedColumn]:
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
            profile, col.ambiguous_dates = _general_profile(con, table, f"c{col.index}", date_order, dates)
            col.expr = date_sql(col.raw, profile)
            col.date_order = profile.date_order if col.ambiguous_dates else None
            failed.append(col)
    return failed


def date_expr(con, table: str, column: str, date_order: str | None = None, *,
              alias: str | None = None, dates: FileDates | None = None,
              timezone: str | None = None) -> tuple[str, bool]:
    """SQL typing a staged column as TIMESTAMP, and whether its day/month order is a guess.

    Fast path: when the first rows are ISO dates of one format without a UTC offset and EVERY
    non-empty cell of the column parses with that one format, the column is read with
    ``try_strptime(cell, format)``: for such cells this is what the general expression
    (:func:`values.date_sql`, which tries each candidate format after stripping offsets) gives,
    at a fraction of its cost, and an ISO column has no day/month ambiguity. Anything else
    (dd.mm.yyyy, offsets, Excel serials, a stray value further down) takes the general path,
    profiled over the whole column. ``alias``: the table alias the expression names the column by.
    ``timezone``: the dataset's zone, when no ``dates`` carries it (instants read in it: an ISO column
    of one format without offsets has none, so the fast path never needs it).
    """
    expr, ambiguous, _profile = read_date(con, table, column, date_order, alias=alias, dates=dates,
                                          timezone=timezone)
    return expr, ambiguous


def read_date(con, table: str, column: str, date_order: str | None = None, *, alias: str | None = None,
              dates: FileDates | None = None, timezone: str | None = None) -> tuple[str, bool, ColumnProfile | None]:
    """:func:`date_expr`, and the column's profile when it took the general path (None: the ISO fast
    path, a column without instants)."""
    col = ident(column)
    raw = ident(alias) + "." + col if alias else col
    fmt = _probe_iso_format(con, table, column)
    if fmt is not None:
        same = run(con, render("SELECT count({c}) = count(try_strptime({c}, $fmt)) FROM {t}", c=col, t=ident(table)),
                   {"fmt": fmt}).fetchone()[0]
        if same:
            return _iso_sql(raw, fmt), False, None
    profile, ambiguous = _general_profile(con, table, column, date_order, dates)
    if dates is None and timezone:
        profile = replace(profile, timezone=timezone)
    return date_sql(raw, profile), ambiguous, profile


def general_date_expr(con, table: str, column: str, date_order: str | None = None, *,
                      alias: str | None = None, dates: FileDates | None = None) -> tuple[str, bool]:
    """The general path of :func:`date_expr`: the whole column profiled, every candidate format; read
    in the import's day/month order and zone when ``dates`` (:func:`file_dates`) is given."""
    col = ident(column)
    raw = ident(alias) + "." + col if alias else col
    profile, ambiguous = _general_profile(con, table, column, date_order, dates)
    return date_sql(raw, profile), ambiguous


def _iso_sql(raw: str, fmt: str) -> str:
    # %n (fractions of 1 to 9 digits) reads as TIMESTAMP_NS: kept to the microsecond, as every other time
    read = f"CAST(try_strptime({raw}, '{fmt}') AS TIMESTAMP)" if "%n" in fmt else f"try_strptime({raw}, '{fmt}')"
    # .NET's and Go's «0001-01-01» parses, but is a "no date" (values.NO_DATE_PATTERN): empty, as date_sql reads it
    return f"(CASE WHEN {no_date_sql(raw)} THEN CAST(NULL AS TIMESTAMP) ELSE {read} END)"


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
            raw = raw_date_value_sql(src) if col.kind == "date" else raw_value_sql(src)  # «0000-00-00»: empty
            outer.append(f"CASE WHEN {ident(col.field)} IS NULL THEN {raw} END "
                         f"AS {ident(col.field + '__raw')}")
    for name, (index, _header) in extras.items():
        inner.append(f"{ident(f'c{index}')} AS {ident(name)}")
        outer.append(ident(name))
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {ident(table)}) AS typed"


def year_first_note(con, table: str, column: str) -> dict:
    """``value`` and ``detail`` of the ``date.year_first`` warning: one of the column's values and the day it
    was read as (yy/mm/dd: «24/01/05» is 2024-01-05, not 24 January 2005)."""
    value = run(con, render("SELECT {c} FROM {t} WHERE regexp_matches({c}, '^\\d{2}/\\d{1,2}/\\d{1,2}') LIMIT 1",
                            c=ident(column), t=ident(table))).fetchone()[0]
    year, month, day = (int(x) for x in re.findall(r"\d+", value)[:3])
    year += 2000 if year < 69 else 1900  # %y, as DuckDB reads a two-digit year
    return {"value": value, "detail": json.dumps({"example": value, "read_day": date(year, month, day).isoformat()},
                                                 ensure_ascii=False)}


def order_warning(con, table: str, column: str, order: str | None, reason: str) -> dict | None:
    """``value`` and ``detail`` of the ``date.ambiguous_order`` warning of a column whose day/month order
    the values could not settle: the order applied, why (``FileDates.reason``), and one of its values
    read both ways (quality_report.finding_text writes the dates in the reader's language). None when
    every value has its day equal to its month (01/01/2023): both orders read the same dates."""
    order = order or "mdy"
    example = run(con, render(
        "SELECT {c} FROM {t} WHERE regexp_matches({c}, '^\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}') "
        "AND CAST(regexp_extract({c}, '^(\\d+)', 1) AS INTEGER) <> CAST(regexp_extract({c}, '^\\d+\\D(\\d+)', 1) AS INTEGER) "
        "LIMIT 1", c=ident(column), t=ident(table))).fetchone()
    if example is None:
        return None
    value = example[0]
    first, second, year = (int(x) for x in re.findall(r"\d+", value)[:3])
    year += 0 if year >= 100 else 2000 if year < 69 else 1900  # %y, as DuckDB reads a two-digit year
    day, month = (first, second) if order == "dmy" else (second, first)
    try:
        read, other = date(year, month, day), date(year, day, month)
    except ValueError:
        return None
    why = f"quality.date.why.{reason}" + (f"_{order}" if reason == "default" else "")
    params = {"order_key": f"quality.date.order.{order}", "why_key": why, "example": value,
              "read_day": read.isoformat(), "other_day": other.isoformat()}
    return {"value": value, "detail": json.dumps(params, ensure_ascii=False)}
