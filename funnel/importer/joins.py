"""Deals files that need one more step before mapping: no id column, or leads and outcomes in two files.

- **No id column** (a CRM *view* export: Deal Name, Deal Stage, Amount, Close Date): one row is one
  deal. A view over the staged table adds the row number as the id (``deals.no_id_column`` says so).
- **Leads + outcomes** (the Olist marketing funnel: qualified leads in one file, closed deals in
  another, joined by ``mql_id``): the second file is not a stage history but shares an id column
  with the first. The files are joined on it (the first outcome row of an id) into one table with
  the columns of both; every lead is a deal, and when neither file has a stage, the leads' stage is
  ``Lead``: the funnel is Lead → Won, as the two files say.
"""

from __future__ import annotations

import dataclasses

from ..mapping.matcher import DATE_WORDS, is_money_header
from ..mapping.normalize import normalize_header
from ..readers import RawTable
from ..sql import ident, render, run

ID_HEADER = "#"  # header of the row-number id of an id-less file
LEAD_STAGE = "Lead"


def with_row_ids(con, raw: RawTable) -> tuple[RawTable, int]:
    """A view of ``raw`` with one more column: the row number as text. Returns (view, its index)."""
    n = len(raw.headers)
    view = raw.table + "_ids"
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT *, CAST(row_no AS VARCHAR) AS {c} FROM {t}",
                    v=ident(view), c=ident(f"c{n}"), t=ident(raw.table)))
    return dataclasses.replace(raw, table=view, headers=[*raw.headers, ID_HEADER]), n


def join_key(con, main: RawTable, other: RawTable) -> tuple[int, int] | None:
    """(column in main, column in other) of an id both files share, or None.

    Same header (normalised) in both, no date's (``created_at``; ``candidate_id`` is an id) and no money's (a
    stage history's «Amount» at each change, unique among a few deals, is no id: survey 22, Zoho's Stage
    History), unique in the main file, and most of the other file's values found in the main one.
    """
    other_cols = {normalize_header(h): j for j, h in enumerate(other.headers) if h}
    best = None
    for i, h in enumerate(main.headers):
        norm = normalize_header(h)
        j = other_cols.get(norm)
        if j is None or DATE_WORDS.search(norm) and not norm.endswith("id") or is_money_header(h):
            continue  # two files created at the same moments share no id (an events answer beside a lead list)
        a, b = ident(f"c{i}"), ident(f"c{j}")
        dup, = run(con, render("SELECT count({a}) - count(DISTINCT {a}) FROM {t}", a=a, t=ident(main.table))).fetchone()
        if dup:
            continue
        n, found = run(con, render(
            "SELECT count(o.{b}), count(m.{a}) FROM {o} o LEFT JOIN (SELECT DISTINCT {a} FROM {m}) m ON m.{a} = o.{b}",
            a=a, b=b, o=ident(other.table), m=ident(main.table))).fetchone()
        if n and found * 2 >= n and (best is None or found > best[2]):
            best = (i, j, found)
    return best[:2] if best else None


def history_key_column(con, raw: RawTable, history: RawTable, history_deal: int, skip: set[int]) -> int | None:
    """The deal list's column that holds the history's deal keys, for a list with no id column (a sheet's
    «Deal, Stage, Amount, Created» beside a history keyed by the same «Deal»): unique in the list, and most of
    the history's distinct keys found in it; ``skip`` holds the columns mapped to other fields (dates, money).
    None when no column does (the row numbers are then the ids, and the history matches nothing, said)."""
    cols = [i for i in range(len(raw.headers)) if i not in skip]
    if not cols:
        return None
    # one scan for every column's uniqueness; only the unique ones are joined to the history
    counts = run(con, render("SELECT " + ", ".join(f"count({{a{i}}}), count(DISTINCT {{a{i}}})" for i in cols)
                             + " FROM {t}", t=ident(raw.table), **{f"a{i}": ident(f"c{i}") for i in cols})).fetchone()
    unique = [i for k, i in enumerate(cols) if counts[2 * k] and counts[2 * k + 1] == counts[2 * k]]
    best = None
    b = ident(f"c{history_deal}")
    for i in unique:
        keys, found = run(con, render(
            "SELECT count(*), count(m.k) FROM (SELECT DISTINCT {b} AS k FROM {h} WHERE {b} IS NOT NULL) o "
            "LEFT JOIN (SELECT DISTINCT {a} AS k FROM {m}) m ON m.k = o.k",
            a=ident(f"c{i}"), b=b, h=ident(history.table), m=ident(raw.table))).fetchone()
        if keys and found * 2 >= keys and (best is None or found > best[1]):
            best = (i, found)
    return best[0] if best else None


def join_outcomes(con, main: RawTable, other: RawTable, key: tuple[int, int]) -> RawTable:
    """One table: every row of ``main`` with the columns of its first row in ``other`` (key dropped)."""
    i, j = key
    keep = [k for k in range(len(other.headers)) if k != j]
    width = len(main.headers)
    cols = ", ".join(f"m.{ident(f'c{k}')}" for k in range(width))
    extra = "".join(f", o.{ident(f'c{k}')} AS {ident(f'c{width + n}')}" for n, k in enumerate(keep))
    table = "raw_joined"
    run(con, render(
        """CREATE OR REPLACE TEMP TABLE {t} AS SELECT m.row_no, {cols}{extra}
           FROM {m} m LEFT JOIN (SELECT * FROM {o} QUALIFY row_number() OVER (PARTITION BY {b} ORDER BY row_no) = 1) o
           ON o.{b} = m.{a} ORDER BY m.row_no""",
        t=ident(table), cols=cols, extra=extra, m=ident(main.table), o=ident(other.table),
        a=ident(f"c{i}"), b=ident(f"c{j}")))
    headers = [*main.headers, *(other.headers[k] for k in keep)]
    return dataclasses.replace(main, table=table, headers=headers,
                               notes=[*main.notes, ("readers.joined", {"file": other.file_name,
                                                                       "key": main.headers[i]})])


def with_lead_stage(con, raw: RawTable) -> tuple[RawTable, int]:
    """A view of ``raw`` with a constant stage column ``Lead``. Returns (view, its index)."""
    n = len(raw.headers)
    view = raw.table + "_stage"
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT *, 'Lead' AS {c} FROM {t}",  # LEAD_STAGE
                    v=ident(view), c=ident(f"c{n}"), t=ident(raw.table)))
    return dataclasses.replace(raw, table=view, headers=[*raw.headers, "stage"]), n
