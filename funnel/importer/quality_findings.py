"""The data-quality report of one import: findings with stable codes, counted, never dropped.

A finding is a row of the ``quality`` table: ``code, severity, row_no, column_name, value,
detail, n``. Row-level findings (a rejected row, a duplicate id) carry the row number, the column
and the value; summary findings (backward moves, mixed currencies) carry ``n``. Severities:
``error`` (the row was rejected), ``warning`` (kept, but look at it), ``info``.
The UI translates ``quality.<code>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..schema import QUALITY_DDL
from ..sql import ident, render, run

# At most this many row-level examples per code and column are stored; the count is always exact.
MAX_EXAMPLES = 200


@dataclass
class Findings:
    rows: list[tuple] = field(default_factory=list)

    def add(self, code: str, severity: str = "warning", *, row_no=None, column=None, value=None,
            detail=None, n: int | None = 1) -> None:
        self.rows.append((code, severity, row_no, column, value, detail, n))

    def codes(self) -> set[str]:
        return {r[0] for r in self.rows}

    def write(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        ddl = QUALITY_DDL.replace("CREATE TABLE", "CREATE OR REPLACE TEMP TABLE")
        run(con, render(ddl, quality=ident(table)))
        if self.rows:
            con.executemany(
                render("INSERT INTO {t} VALUES (?, ?, ?, ?, ?, ?, ?)", t=ident(table)),
                [list(r) for r in self.rows],
            )

    def examples(self, con, rows_sql: str, params: dict | None, code: str, severity: str,
                 column: str | None) -> int:
        """Record the rows of ``rows_sql`` (selecting ``row_no, value``): an exact count in a summary
        row, and up to MAX_EXAMPLES of them one by one. Returns the count."""
        count = run(con, render("SELECT count(*) FROM ({q}) AS found", q=rows_sql), params).fetchone()[0]
        if count:
            sample = run(con, render("SELECT * FROM ({q}) AS found ORDER BY 1 LIMIT {k}", q=rows_sql,
                                     k=str(MAX_EXAMPLES)), params).fetchall()
            self.add(code, severity, column=column, n=count)
            for row_no, value in sample:
                self.add(code, severity, row_no=row_no, column=column,
                         value=None if value is None else str(value)[:200], n=1)
        return count
