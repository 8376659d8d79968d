"""Tableau's long layout: one row per measure of a deal, ``Measure Names`` / ``Measure Values``, pivoted back.

A Tableau view downloaded as data (Tableau Server's ``/views/…csv``, "Download → Data" of a text table with
several measures) writes the view's dimensions once per measure: ``Deal Name, Stage, Owner, Day of Created
Date, Measure Names, Measure Values`` with one row for ``Amount`` and one for ``Probability`` of every
deal. Read as it is, every deal counted once per measure (survey 25: 24 deals of 12, won 8 of 4, no
amount) with no warning. Here each deal is one row again, each measure a column named by its name; the
rows keep the number of their first row in the file, and the reading is said (``readers.measure_rows``).

Tableau aggregates a view's marks by its dimensions, so one measure appears once per set of dimension
values; a file where it appears twice cannot be told apart into deals and is refused by name.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import FunnelError
from ..mapping.normalize import normalize_header
from ..sql import ident, render, run
from .staging import RawTable

# the two columns' names in Tableau's interface languages (English, Chinese, Russian, German, French, Spanish)
NAMES = frozenset({"measure names", "度量名称", "имена мер", "названия мер", "kennzahlnamen", "noms de mesures",
                   "nombres de medidas"})
VALUES = frozenset({"measure values", "度量值", "значения мер", "kennzahlwerte", "valeurs de mesures",
                    "valores de medidas"})
MAX_MEASURES = 50


def pivot_measure_rows(con, raw: RawTable) -> RawTable:
    """``raw`` itself, or, when it has Tableau's measure columns, one row per set of the other columns' values
    with one column per measure (staged again under the same name)."""
    norm = [normalize_header(h) for h in raw.headers]
    name = next((i for i, h in enumerate(norm) if h in NAMES), None)
    value = next((i for i, h in enumerate(norm) if h in VALUES), None)
    if name is None or value is None:
        return raw
    t, n, v = ident(raw.table), ident(f"c{name}"), ident(f"c{value}")
    measures = [r[0] for r in run(con, render("SELECT {n} FROM {t} WHERE {n} IS NOT NULL GROUP BY {n} "
                                              "ORDER BY min(row_no)", n=n, t=t)).fetchall()]
    if not measures or len(measures) > MAX_MEASURES:
        return raw
    dims = [i for i in range(len(raw.headers)) if i not in (name, value)]
    if not dims:
        return raw
    keys = ", ".join(ident(f"c{i}") for i in dims)
    twice = run(con, render("SELECT min(row_no) FROM {t} GROUP BY {keys}, {n} HAVING count(*) > 1 ORDER BY 1 LIMIT 1",
                            t=t, keys=keys, n=n)).fetchone()
    if twice is not None:
        raise FunnelError("readers.measure_rows_twice", file=raw.file_name, row=twice[0],
                          names=raw.headers[name], values=raw.headers[value])
    picked = ", ".join(render("max({v}) FILTER (WHERE {n} = $m{k}) AS {c}", v=v, n=n, k=str(k),
                              c=ident(f"m{k}")) for k in range(len(measures)))
    out = ident(f"{raw.table}_pivot")
    run(con, render("CREATE OR REPLACE TEMP TABLE {out} AS SELECT min(row_no) AS row_no, {dims}, {picked} "
                    "FROM {t} GROUP BY {keys} ORDER BY row_no", out=out, t=t, keys=keys, picked=picked,
                    dims=keys),
        {f"m{k}": m for k, m in enumerate(measures)})
    cells = [*(f"c{i}" for i in dims), *(f"m{k}" for k in range(len(measures)))]
    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT row_no, {cells} FROM {out} ORDER BY row_no", t=t,
                    out=out, cells=", ".join(render("{a} AS {c}", a=ident(a), c=ident(f"c{j}"))
                                             for j, a in enumerate(cells))))
    run(con, render("DROP TABLE {out}", out=out))
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=t)).fetchone()[0]
    headers = [raw.headers[i] for i in dims] + [str(m) for m in measures]
    said = ("readers.measure_rows", {"file": raw.file_name, "rows": raw.n_rows, "n": n_rows,
                                     "measures": ", ".join(f"«{m}»" for m in measures)})
    return replace(raw, headers=headers, n_rows=n_rows, notes=[*raw.notes, said])
