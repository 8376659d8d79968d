"""Input shape E: aggregate counts (stage, count [, group]) — a consultant's spreadsheet or an ad
platform's numbers. Long form (one row per stage and group) or wide form (one numeric column per
stage, e.g. daily Pageviews, Clicks, Enrollments, Payments). Rows of the same stage and group are
summed. The overall row (group '') is the sum over groups. A later stage larger than an earlier
one is kept as it is and reported (``counts.non_monotone``), never clipped.
"""

from __future__ import annotations

from ..sql import ident, render, run
from .columns import number_expr
from .quality_findings import Findings


def _number(con, raw, index: int) -> str:
    return number_expr(con, raw.table, f"c{index}")


def build_counts(con, raw, cmap, *, explicit_stages=None, findings: Findings) -> dict:
    grp = "''" if cmap.group is None else render("COALESCE(NULLIF(trim({c}), ''), '')", c=ident(f"c{cmap.group}"))
    run(con, "CREATE OR REPLACE TEMP TABLE imp_long (row_no INTEGER, stage VARCHAR, grp VARCHAR, n DOUBLE, "
             "raw VARCHAR, col INTEGER)")
    if cmap.wide_stages:
        for k, index in enumerate(cmap.wide_stages):
            run(con, render("""INSERT INTO imp_long SELECT row_no, $stage, {grp}, {num},
                               NULLIF(trim({c}), ''), $k FROM {raw}""",
                            grp=grp, num=_number(con, raw, index), c=ident(f"c{index}"), raw=ident(raw.table)),
                {"stage": raw.headers[index], "k": k})
        order_default = [raw.headers[i] for i in cmap.wide_stages]
    else:
        run(con, render("""INSERT INTO imp_long SELECT row_no, NULLIF(trim({s}), ''), {grp}, {num},
                           NULLIF(trim({c}), ''), 0 FROM {raw}""",
                        s=ident(f"c{cmap.stage}"), grp=grp, num=_number(con, raw, cmap.count),
                        c=ident(f"c{cmap.count}"), raw=ident(raw.table)))
        order_default = [r[0] for r in run(con, "SELECT stage FROM imp_long WHERE stage IS NOT NULL "
                                                "GROUP BY stage ORDER BY min(row_no)").fetchall()]
    findings.examples(con, "SELECT row_no, raw AS value FROM imp_long WHERE raw IS NOT NULL AND n IS NULL",
                      None, "reject.bad_number", "error", None)
    missing = run(con, "SELECT count(*) FROM imp_long WHERE raw IS NULL").fetchone()[0]
    if missing:
        findings.add("counts.missing_values", "warning", n=missing)
    rejected = run(con, "SELECT count(DISTINCT row_no) FROM imp_long WHERE raw IS NOT NULL AND n IS NULL").fetchone()[0]
    order = list(explicit_stages) if explicit_stages and not isinstance(explicit_stages, dict) else order_default
    rows = [("", s, i, "won" if i == len(order) else "open") for i, s in enumerate(order, start=1)]
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    con.executemany("INSERT INTO imp_stages VALUES (?, ?, ?, ?)", rows)
    run(con, """CREATE OR REPLACE TEMP TABLE imp_counts AS
        WITH g AS (SELECT l.stage, s.position, l.grp, CAST(round(sum(l.n)) AS BIGINT) AS n
                   FROM imp_long l JOIN imp_stages s ON s.stage = l.stage WHERE l.n IS NOT NULL GROUP BY 1, 2, 3)
        SELECT '' AS pipeline, stage, position, grp, n FROM g
        UNION ALL
        SELECT '', stage, position, '', sum(n) FROM g WHERE grp <> '' GROUP BY 1, 2, 3""")
    non_monotone = run(con, """WITH o AS (SELECT grp, position, n, lag(n) OVER (PARTITION BY grp ORDER BY position) AS prev
                                          FROM imp_counts)
                               SELECT count(*) FROM o WHERE n > prev""").fetchone()[0]
    if non_monotone:
        findings.add("counts.non_monotone", "warning", n=non_monotone)
    groups = [r[0] for r in run(con, "SELECT DISTINCT grp FROM imp_counts WHERE grp <> '' ORDER BY 1").fetchall()]
    return {
        "rows_rejected": rejected,
        "n_deals": 0,
        "n_events": 0,
        "meta": {"pipelines": [""], "extra_columns": {}, "stage_order": {"": order}, "lost_stages": {"": []},
                 "group_column": raw.headers[cmap.group] if cmap.group is not None else None,
                 "groups": groups},
    }
