"""A stage written once per group of rows, read as the stage of every row under it.

A report or a pivot sorted by stage often shows each stage once, on its group's first row, and leaves it
blank below (Excel's pivot in tabular form without "Repeat all item labels", a report tool's "repeated
values shown once"; survey 25's crosstab). Read row by row, every blank was "a deal without a stage",
counted at the first stage: won 1 of 4, revenue 12,000 of 36,700.50. The layout is told by its stages:
each named once, the first row named, and more rows blank than named, every blank row a deal (its id or
name filled). Such blanks take the stage above them, said as a warning (``stage.filled_down``); a deal
list whose stages repeat, or whose first row has none, is left as it is.
"""

from __future__ import annotations

from ..sql import ident, render, run

NOTE = "stage.filled_down"


def fill_down(con, raw, mapping) -> int:
    """Fill the blank stages of a once-per-group stage column in ``raw`` (module docstring); the rows filled."""
    fields = mapping.fields if mapping is not None else {}
    stage = fields.get("stage")
    key = fields.get("deal_id", fields.get("deal_name"))
    if stage is None or key is None:
        return 0
    s, k, t = ident(f"c{stage}"), ident(f"c{key}"), ident(raw.table)
    blank, named, names, first, keyless = run(con, render(
        """SELECT count(*) FILTER (WHERE s IS NULL), count(s), count(DISTINCT s), arg_min(s, row_no) IS NOT NULL,
                  count(*) FILTER (WHERE s IS NULL AND k IS NULL)
           FROM (SELECT row_no, NULLIF(trim({s}), '') AS s, NULLIF(trim({k}), '') AS k FROM {t})""",
        s=s, k=k, t=t)).fetchone()
    if not (blank and names >= 2 and named == names and first and blank > named and not keyless):
        return 0
    run(con, render("""UPDATE {t} SET {s} = f.v FROM (
                           SELECT row_no, last_value(NULLIF(trim({s}), '') IGNORE NULLS) OVER (ORDER BY row_no) AS v
                           FROM {t}) AS f
                       WHERE {t}.row_no = f.row_no AND NULLIF(trim({t}.{s}), '') IS NULL""", s=s, t=t))
    raw.notes.append((NOTE, {"n": blank, "column": raw.headers[stage], "file": raw.file_name}))
    return blank
