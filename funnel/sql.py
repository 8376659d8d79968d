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
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

QUERY_DIR = Path(__file__).with_name("queries")
# a DuckDB connection or a funnel.backends.Backend (cursor-like, duck-typed: see backends/base.py);
# Any because metric code uses either through the same few methods
Connection = Any
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
    con: Connection,
    sql_text: str,
    params: dict[str, Any] | list[Any] | None = None,
) -> Any:
    """Execute one statement with bound parameters; returns the cursor for fetching.

    A statement that needs more than the store's memory budget (``FUNNEL_MEMORY_LIMIT``, see
    funnel/store.py) raises ``FunnelError('store.out_of_memory')``: a message saying what to
    change, not a DuckDB traceback; a read is first run again with larger budgets
    (:func:`_with_memory`). A :class:`funnel.backends.Backend` runs it itself (transpiled
    to its dialect) and returns a cursor-like :class:`funnel.backends.Result`."""
    if getattr(con, "funnel_backend", False):
        return con.execute(sql_text, params)
    if params is None:
        return _with_memory(con, sql_text, lambda: con.execute(sql_text))
    return _with_memory(con, sql_text, lambda: con.execute(sql_text, params))


# A read that does not fit the store's memory budget is run again with a larger one, as an import
# is (funnel/importer, RETRY_BUDGETS): slower, never refused for memory the machine has. The budget
# is kept small for what can spill to disk (an import's tables, sorts, joins); DuckDB's quantiles
# cannot spill: at 10M deals the sales cycle's five percentiles need ~0.5 GB. None = DuckDB's
# default (80 % of RAM). Retries take turns (the budget is the whole database's) and the budget
# is set back after each; a write is not retried (its transaction may be the caller's).
READ_RETRY_BUDGETS: tuple[str | None, ...] = ("2GB", None)
_RETRY_LOCK = threading.Lock()
_RAISED = threading.local()  # (budget before, budget raised to) of this thread's last retried read
_READ = re.compile(r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:select|with|from|values)\b", re.I | re.S)
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def budget_bytes(value: str | None) -> int | None:
    """``400MB`` / ``2GiB`` / ``381.4 MiB`` (DuckDB's syntax) in bytes; None for DuckDB's default
    or an unreadable value."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b)?\s*", (value or "").lower())
    if not match or (match.group(2) or "") not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2) or ""])


def _with_memory(con: duckdb.DuckDBPyConnection, sql_text: str, call: Callable[[], Any]) -> Any:
    from .errors import FunnelError

    restore_budget(con)
    try:
        return call()
    except duckdb.OutOfMemoryException as exc:
        failed: Exception = exc
    if _READ.match(sql_text):
        with _RETRY_LOCK, con.cursor() as setter:  # its own cursor: ``con`` is to hold the result
            before = _memory_limit(setter)
            now = budget_bytes(before)
            for budget in READ_RETRY_BUDGETS:
                wanted = budget_bytes(budget)
                if now is None or (wanted is not None and wanted <= now):
                    continue  # not larger than the budget that failed
                try:
                    setter.execute("RESET memory_limit" if budget is None else f"SET memory_limit = '{budget}'")
                    result = call()
                except duckdb.OutOfMemoryException:
                    now = wanted
                    continue
                except duckdb.Error:
                    break  # e.g. the caller's transaction is aborted: the memory message stands
                # the budget can go back only once the result is read (DuckDB holds the query's
                # memory until then): at the end of the store's operation, or at the next statement
                _RAISED.pending = (before, _memory_limit(setter))
                return result
            setter.execute(f"SET memory_limit = '{before}'")
    raise FunnelError("store.out_of_memory", limit=_memory_limit(con)) from failed


def restore_budget(con: duckdb.DuckDBPyConnection) -> None:
    """Set back the budget a retried read of this thread raised, unless someone set another since.
    Best effort: while a result still holds the memory, DuckDB declines, and it is tried again later."""
    pending = getattr(_RAISED, "pending", None)
    if pending is None:
        return
    before, raised = pending
    try:
        with con.cursor() as setter:
            if _memory_limit(setter) == raised:
                setter.execute(f"SET memory_limit = '{before}'")
    except duckdb.Error:  # the result is still held (or unread on ``con``): later
        return
    _RAISED.pending = None


def _memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    try:
        row = con.execute("SELECT current_setting('memory_limit')").fetchone()
        return str(row[0]) if row else "?"
    except duckdb.Error:
        return "?"


def fetch_frame(con: Connection, sql_text: str, params: dict[str, Any] | None = None):
    """The rows of one query as a pandas DataFrame, through Arrow (values bound as parameters).

    duckdb's ``.df()`` builds a Python object per text cell; Arrow hands pandas the column
    buffers (about twice as fast for a 10,000-row page). The relation API is used because duckdb
    warns that Arrow output of an ``execute()`` result copies the rows.
    """
    if getattr(con, "funnel_backend", False):
        return con.fetch_frame(sql_text, params)
    table = _with_memory(con, sql_text, lambda: con.sql(sql_text, params=params).to_arrow_table())
    return table.to_pandas()


def fetch_dicts(con: Connection, sql_text: str, params=None) -> list[dict[str, Any]]:
    cur = run(con, sql_text, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
