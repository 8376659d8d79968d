"""A report of deals counted by their current stage, read as the deals it counts.

A CRM's pipeline report (HubSpot's "Deal Stage, Count of Deals, Sum of Amount"; a Salesforce summary
report's record counts per stage) counts each deal once, at the stage it is in now, closed stages
included. Read as aggregate counts (shape E), its numbers were taken for "reached" counts: «Closed
lost» became the funnel's last step and «Closed won» 5 after «Contract sent» 3 a 167 % step. Such a
table is a deals snapshot (shape A) aggregated: it is expanded into one deal per counted deal, each at
its row's stage, and imported as deals, so reached counts, win rate and lost deals follow the deals'
rules (a lost deal's stage is unknown: it counts at the first stage, said). An amount column is the
stage's total, shared equally among its deals (the median deal size is then the stages' averages:
said in the quality report).

A consultant's funnel of reached counts ("1000 requests → 900 reached → 30 proposals → 10 won") lists
no lost stage and never rises: it stays aggregate counts. A table is read as current-stage counts when
it names a lost stage, or names a won stage and a count rises somewhere along the file's order.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..mapping import classify_stage_name
from ..mapping.normalize import header_tokens
from ..readers.staging import RawTable
from ..sql import ident, render, run
from .columns import number_expr

# the most deals a report may expand into (a report's counts, not a warehouse)
MAX_DEALS = 5_000_000
# every stage of a HubSpot report with several pipelines ends with its pipeline: «Closed won (Sales Pipeline)»
_PIPELINE_SUFFIX = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
# the headers of a stage's money total in such a report
_AMOUNT_WORDS = ("amount", "sum of amount", "total amount", "value", "revenue", "сумма", "бюджет", "金额", "商机金额")


def current_stage_counts(con, raw: RawTable, cmap) -> tuple[list[tuple[str, float]], bool] | None:
    """The stages with their summed counts in file order, and whether every count is whole, when the
    table counts deals by their current stage (module docstring); else None."""
    if cmap is None or cmap.wide_stages or cmap.stage is None or cmap.count is None or cmap.base is not None:
        return None  # no stage report: wide steps, or an experiment's results (metrics, not stages)
    rows = run(con, render("""SELECT {s} AS stage, sum({n}) AS n, bool_and({n} = floor({n})) AS whole
                              FROM {t} WHERE {s} IS NOT NULL GROUP BY 1 ORDER BY min(row_no)""",
                           s=ident(f"c{cmap.stage}"), n=number_expr(con, raw.table, f"c{cmap.count}"),
                           t=ident(raw.table))).fetchall()
    if not rows or any(n is None or n < 0 for _s, n, _w in rows):
        return None
    names = [_without_pipeline(stage, rows)[0] for stage, _n, _w in rows]
    kinds = [classify_stage_name(name) for name in names]
    rises = any(b[1] > a[1] for a, b in zip(rows, rows[1:], strict=False))
    if "lost" in kinds or "won" in kinds and rises:
        return [(stage, n) for stage, n, _w in rows], all(w for _s, _n, w in rows)
    return None


def _without_pipeline(stage: str, rows) -> tuple[str, str | None]:
    """«Closed won (Sales Pipeline)» -> («Closed won», «Sales Pipeline») when every stage of ``rows``
    ends with a parenthesised name; else the stage as it is."""
    found = [_PIPELINE_SUFFIX.match(str(r[0])) for r in rows]
    if all(found):
        m = _PIPELINE_SUFFIX.match(stage)
        assert m is not None
        return m.group(1), m.group(2)
    return stage, None


def expand(con, raw: RawTable, cmap, table: str = "raw_stage_counts") -> tuple[RawTable, int]:
    """``raw`` as a deals table: one row per counted deal (``Deal ID`` «<stage> #k»), its stage, its
    pipeline when the stage names carry one, its share of the row's amount, the row's group. Returns
    the new staged table and the number of deals."""
    amount = next((i for i, h in enumerate(raw.headers)
                   if i not in (cmap.stage, cmap.count, cmap.group) and header_tokens(h) in _AMOUNT_WORDS), None)
    stages = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL",
                                            s=ident(f"c{cmap.stage}"), t=ident(raw.table))).fetchall()]
    split = {s: _without_pipeline(s, [(x,) for x in stages]) for s in stages}
    n = number_expr(con, raw.table, f"c{cmap.count}")
    total = run(con, render("SELECT COALESCE(sum(CAST({n} AS BIGINT)), 0) FROM {t}", n=n,
                            t=ident(raw.table))).fetchone()[0]
    if total > MAX_DEALS:
        from ..errors import FunnelError
        raise FunnelError("import.stage_counts_too_many", file=raw.file_name, n=total, limit=MAX_DEALS)
    run(con, "CREATE OR REPLACE TEMP TABLE stage_count_names (stage VARCHAR, name VARCHAR, pipeline VARCHAR)")
    con.executemany("INSERT INTO stage_count_names VALUES (?, ?, ?)",
                    [(s, name, pipeline) for s, (name, pipeline) in split.items()])
    with_pipeline = any(p for _n, p in split.values())
    # (header, SQL) of each column of the expanded table, in order
    # numbered within the stage across rows: a report of a stage's deals on several rows (one per owner, a
    # group column not told) gave «Closed Won #1» on each, and all but the first were dropped as duplicates
    columns = [("Deal ID", "concat(m.name, ' #', CAST(row_number() OVER (PARTITION BY m.name ORDER BY r.row_no, k.i) "
                           "AS VARCHAR))"), (raw.headers[cmap.stage], "m.name")]
    if with_pipeline:
        columns.append(("Pipeline", "m.pipeline"))
    if amount is not None:
        columns.append(("Amount", render("CAST(round(({a}) / ({n}), 2) AS VARCHAR)",
                                         a=number_expr(con, raw.table, f"c{amount}"), n=n)))
    if cmap.group is not None:
        columns.append((raw.headers[cmap.group], render("r.{g}", g=ident(f"c{cmap.group}"))))
    cells = ", ".join(render("{e} AS {c}", e=sql, c=ident(f"c{k}")) for k, (_h, sql) in enumerate(columns))
    run(con, render("""CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT CAST(1 + row_number() OVER (ORDER BY r.row_no, k.i) AS INTEGER) AS row_no, {cells}
        FROM {t} AS r
        JOIN stage_count_names AS m ON m.stage = r.{s}
        CROSS JOIN LATERAL (SELECT range AS i FROM range(CAST({n} AS BIGINT))) AS k
        WHERE {n} > 0""", out=ident(table), t=ident(raw.table), s=ident(f"c{cmap.stage}"), n=n, cells=cells))
    run(con, "DROP TABLE stage_count_names")
    headers = [h for h, _sql in columns]
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=ident(table))).fetchone()[0]
    return replace(raw, table=table, headers=headers, n_rows=n_rows), n_rows
