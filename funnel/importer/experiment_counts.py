"""An A/B platform's results export as aggregate counts: one row per variation and metric, with the
variation's users (its «denominator») and the metric's conversions (GrowthBook's «Export CSV», Optimizely's
results CSV, an Eppo export; ``shapes._experiment_results``).

Each metric is a funnel of its own, stored as a pipeline: its users, then the metric (``users → Purchase``),
one group per variation and the overall row their sum. Metrics are never chained as steps of one funnel
(a signup rate beside a purchase rate is not «signup → purchase»). A metric whose «conversions» are not
whole numbers within its users (revenue, a mean) is no conversion: left out and said
(``counts.experiment_left_out``); the import says what it read (``counts.experiment``).
"""

from __future__ import annotations

import json

from ..errors import FunnelError
from ..sql import ident, render, run
from .columns import number_expr
from .quality_findings import Findings

LISTED = 8  # metrics named in a note, at most


def build_experiment(con, raw, cmap, *, findings: Findings) -> dict:
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_exp AS
        SELECT row_no, NULLIF(trim({m}), '') AS metric, COALESCE(NULLIF(trim({v}), ''), '') AS grp,
               {users} AS users, {conv} AS conv, NULLIF(trim({ur}), '') AS users_raw,
               NULLIF(trim({cr}), '') AS conv_raw
        FROM {raw}""", m=ident(f"c{cmap.stage}"), v=ident(f"c{cmap.group}"),
                    users=number_expr(con, raw.table, f"c{cmap.base}"), conv=number_expr(con, raw.table, f"c{cmap.count}"),
                    ur=ident(f"c{cmap.base}"), cr=ident(f"c{cmap.count}"), raw=ident(raw.table)))
    for column, raw_col, num in ((cmap.base, "users_raw", "users"), (cmap.count, "conv_raw", "conv")):
        findings.examples(con, render("SELECT row_no, {r} AS value FROM imp_exp WHERE {r} IS NOT NULL AND {n} IS NULL",
                                      r=ident(raw_col), n=ident(num)), None, "reject.bad_number", "error",
                          raw.headers[column])
    rejected = run(con, "SELECT count(*) FROM imp_exp WHERE metric IS NULL OR users IS NULL OR conv IS NULL "
                        "AND conv_raw IS NOT NULL").fetchone()[0]
    metrics = run(con, """SELECT metric, bool_and(conv IS NULL OR conv = round(conv) AND conv <= users) AS counted
                          FROM imp_exp WHERE metric IS NOT NULL AND users IS NOT NULL
                          GROUP BY metric ORDER BY min(row_no)""").fetchall()
    kept = [m for m, counted in metrics if counted]
    left_out = [m for m, counted in metrics if not counted]
    if left_out:
        findings.add("counts.experiment_left_out", "info", n=len(left_out), column=raw.headers[cmap.count],
                     detail=json.dumps({"metrics": _listed(left_out), "column": raw.headers[cmap.count]},
                                       ensure_ascii=False))
    if not kept:
        raise FunnelError("import.experiment_no_conversions", file=raw.file_name, column=raw.headers[cmap.count])
    users_step = raw.headers[cmap.base]
    stages = [(m, s, pos, "open" if pos == 1 else "won") for m in kept for pos, s in ((1, users_step), (2, m))]
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    con.executemany("INSERT INTO imp_stages VALUES (?, ?, ?, ?)", stages)
    run(con, "CREATE OR REPLACE TEMP TABLE imp_counts (pipeline VARCHAR, stage VARCHAR, position INTEGER, "
             "grp VARCHAR, n BIGINT)")
    run(con, """INSERT INTO imp_counts
        WITH per AS (SELECT metric, grp, sum(users) AS users, sum(conv) AS conv FROM imp_exp
                     WHERE list_contains($kept, metric) AND users IS NOT NULL AND conv IS NOT NULL
                     GROUP BY GROUPING SETS ((metric, grp), (metric)))
        SELECT metric, $users_step, 1, COALESCE(grp, ''), CAST(round(users) AS BIGINT) FROM per
        UNION ALL
        SELECT metric, metric, 2, COALESCE(grp, ''), CAST(round(conv) AS BIGINT) FROM per""",
        {"kept": kept, "users_step": users_step})
    groups = [r[0] for r in run(con, "SELECT DISTINCT grp FROM imp_counts WHERE grp <> '' ORDER BY 1").fetchall()]
    findings.add("counts.experiment", "info", n=len(kept),
                 detail=json.dumps({"metrics": _listed(kept), "groups": len(groups), "users": users_step,
                                    "column": raw.headers[cmap.group]}, ensure_ascii=False))
    return {
        "rows_rejected": rejected,
        "n_deals": 0,
        "n_events": 0,
        "meta": {"pipelines": kept, "extra_columns": {}, "stage_order": {m: [users_step, m] for m in kept},
                 "lost_stages": {m: [] for m in kept}, "group_column": raw.headers[cmap.group], "groups": groups,
                 "counted": "visitors"},  # an experiment's users
    }


def _listed(names: list[str]) -> str:
    return ", ".join(f"«{n}»" for n in names[:LISTED]) + (" …" if len(names) > LISTED else "")
