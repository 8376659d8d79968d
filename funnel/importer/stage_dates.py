"""One date column per stage and no stage column: a team's own pipeline sheet (``CreateDate,
Erstgespräch, Abschlussgespräch, Angebot unterschrieben, Handover, Absage``) is input shape C, as
HubSpot's ``Date entered "<stage>"`` columns: each column is the date a deal entered the stage its
header names. Such a file says a deal's stage only through those dates: its stage is the one it
entered last (of two on one day, the column further right, a later step), and a row with no date
yet is a lead that has entered none: it sits in a first stage ``Lead`` (as the leads of a leads file
joined to its outcomes, joins.py), so that the first column's stage counts only the deals that reached it.
"""

from __future__ import annotations

import dataclasses

from ..readers import RawTable
from ..sql import ident, render, run
from .columns import date_expr


def with_latest_stage(con, raw: RawTable, entered: dict[int, tuple[str, str | None]], *,
                      timezone: str | None = None) -> tuple[RawTable, int, int]:
    """A view of ``raw`` with two more columns: the stage each row entered last, and when (ISO text, the
    deal's stage change: a closed deal's close). Returns (view, the stage's index, the time's index).
    ``timezone``: the dataset's zone, for stage dates written as instants (the text written is then that
    zone's clock time: it carries no offset any more)."""
    n = len(raw.headers)
    columns = sorted(entered)
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stage_columns (k INTEGER, stage VARCHAR)")
    con.executemany("INSERT INTO imp_stage_columns VALUES (?, ?)",
                    [(k, entered[i][0]) for k, i in enumerate(columns)])
    dates = [f"__d{k}" for k in range(len(columns))]
    typed = ", ".join(f"{date_expr(con, raw.table, f'c{i}', alias='r', timezone=timezone)[0]} AS {d}" for i, d in zip(columns, dates,
                                                                                                     strict=True))
    latest = "CASE " + " ".join(f"WHEN {d} = __last THEN {k}" for k, d in reversed(list(enumerate(dates)))) + " END"
    view = raw.table + "_latest_stage"
    run(con, render("""CREATE OR REPLACE TEMP VIEW {v} AS
        SELECT b.* EXCLUDE ({dates}, __last, __k), COALESCE(s.stage, 'Lead') AS {c},  -- joins.LEAD_STAGE
               CAST(__last AS VARCHAR) AS {at}
        FROM (SELECT *, {latest} AS __k
              FROM (SELECT *, greatest({dates}) AS __last FROM (SELECT r.*, {typed} FROM {t} AS r) AS a) AS a2) AS b
        LEFT JOIN imp_stage_columns s ON s.k = b.__k""",
                    v=ident(view), c=ident(f"c{n}"), at=ident(f"c{n + 1}"), t=ident(raw.table), dates=", ".join(dates), latest=latest,
                    typed=typed))
    return dataclasses.replace(raw, table=view, headers=[*raw.headers, "stage", "stage entered"]), n, n + 1
