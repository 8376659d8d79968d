"""The one database boundary: identifier quoting, named queries, and running them.

Rules (see README, "House rules"):
- values go into SQL only as bound parameters (``$name``);
- identifiers (schema, table and column names) only through :func:`ident`;
- metric queries live as named ``.sql`` files in ``funnel/queries/`` and are plain standard SQL
  over the canonical tables; table names are written as ``{deals}``, ``{events}``, ... and filled
  in with quoted identifiers by :func:`render`. Anything else in braces is an error.
  Placeholders inside ``--`` comments and string literals are left alone (a query's header
  comment names its fragments; a multi-line fragment there would break the statement).

``con`` is a DuckDB connection (the store's; the fast path) or a
:class:`funnel.backends.Backend` (ClickHouse, Spark, ...): :func:`run`, :func:`fetch_frame` and
:func:`fetch_dicts` dispatch on it, so metric code is written once (see funnel/backends/base.py).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

QUERY_DIR = Path(__file__).with_name("queries")
# A ``--`` comment to the end of its line, a string literal ('it''s'), a quoted identifier, or a
# placeholder: the first three are copied as they are, only the placeholder is substituted.
_TOKEN = re.compile(r"(--[^\n]*)|('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")|\{(\w+)\}")


def ident(*parts: str) -> str:
    """Quote an identifier (optionally qualified: ``ident('ds_3', 'deals')``) for SQL.

    Double quotes inside a name are doubled, so any text is a safe identifier.
    """
    if not parts:
        raise ValueError("ident() needs at least one part")
    out = []
    for part in parts:
        if not isinstance(part, str) or part == "" or "\x00" in part:
            raise ValueError(f"not a usable identifier: {part!r}")
        out.append('"' + part.replace('"', '""') + '"')
    return ".".join(out)


def render(template: str, **identifiers: str) -> str:
    """Fill ``{name}`` placeholders with already-quoted identifiers or trusted SQL fragments.

    Callers pass values made by :func:`ident` (or fragments built only from ``ident`` and
    constant SQL); user values never go here: they are bound parameters.
    """

    def sub(match: re.Match[str]) -> str:
        key = match.group(3)
        if key is None:  # a comment or a string literal: not a place for identifiers
            return match.group(0)
        if key not in identifiers:
            raise KeyError(f"query placeholder {{{key}}} has no identifier")
        return identifiers[key]

    return _TOKEN.sub(sub, template)


@cache
def load(name: str) -> str:
    """The text of the named query ``funnel/queries/<name>.sql``."""
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def dataset_tables(dataset_id: int) -> dict[str, str]:
    """Quoted identifiers of one dataset's tables, for :func:`render`."""
    from .schema import TABLES

    schema = f"ds_{int(dataset_id)}"
    return {t: ident(schema, t) for t in TABLES}


def run(
    con: duckdb.DuckDBPyConnection,
    sql_text: str,
    params: dict[str, Any] | list[Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Execute one statement with bound parameters; returns the cursor for fetching.

    A statement that needs more than the store's memory budget (``FUNNEL_MEMORY_LIMIT``, see
    funnel/store.py) raises ``FunnelError('store.out_of_memory')``: a message saying what to
    change, not a DuckDB traceback. A :class:`funnel.backends.Backend` runs it itself (transpiled
    to its dialect) and returns a cursor-like :class:`funnel.backends.Result`."""
    if getattr(con, "funnel_backend", False):
        return con.execute(sql_text, params)
    try:
        if params is None:
            return con.execute(sql_text)
        return con.execute(sql_text, params)
    except duckdb.OutOfMemoryException as exc:
        from .errors import FunnelError

        raise FunnelError("store.out_of_memory", limit=_memory_limit(con)) from exc


def _memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    try:
        return str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    except duckdb.Error:
        return "?"


def fetch_frame(con: duckdb.DuckDBPyConnection, sql_text: str, params: dict[str, Any] | None = None):
    """The rows of one query as a pandas DataFrame, through Arrow (values bound as parameters).

    duckdb's ``.df()`` builds a Python object per text cell; Arrow hands pandas the column
    buffers (about twice as fast for a 10,000-row page). The relation API is used because duckdb
    warns that Arrow output of an ``execute()`` result copies the rows.
    """
    if getattr(con, "funnel_backend", False):
        return con.fetch_frame(sql_text, params)
    return con.sql(sql_text, params=params).to_arrow_table().to_pandas()


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql_text: str, params=None) -> list[dict[str, Any]]:
    cur = run(con, sql_text, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
