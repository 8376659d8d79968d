"""Stage history into ``imp_hist(deal_id, stage, entered_at, row_no)``.

Two sources: a long history file (input shape B: Salesforce OpportunityHistory, Bitrix24
``crm.stagehistory.list``, any "deal, stage, date entered" table), or one "date entered" column
per stage in the deals file itself (input shape C: HubSpot). Consecutive rows that repeat a stage
(Salesforce writes one on every amount change) are one stay in that stage: only the first counts.
"""

from __future__ import annotations

import json

from ..sql import ident, render, run
from .columns import FileDates, confirm_typed, date_column, date_expr
from .deleted_rows import count_gone, gone_mark
from .quality_findings import Findings

HIST_DDL = "CREATE OR REPLACE TEMP TABLE imp_hist (deal_id VARCHAR, stage VARCHAR, entered_at TIMESTAMP, row_no INTEGER)"
# the moves of a history that names the stage each one left: (deal, stage left, stage entered, its imp_hist row)
FROM_DDL = ("CREATE OR REPLACE TEMP TABLE imp_hist_from (deal_id VARCHAR, stage_from VARCHAR, stage_to VARCHAR, "
            "row_no INTEGER)")


def load_history(con, raw, hmap, findings: Findings, file_name: str, dates: FileDates | None = None) -> int:
    """Fill ``imp_hist`` from a staged history file; returns the rows kept. ``dates``: the import's
    day/month order (columns.file_dates: the deals file's columns may settle it for the history)."""
    ts_col = f"c{hmap.entered_at}"
    where = ""
    params: dict = {}
    if hmap.field_filter is not None:  # Salesforce field history: only rows where Field = StageName
        where = render("WHERE lower(trim({f})) = lower($field_value)", f=ident(f"c{hmap.field_filter[0]}"))
        params["field_value"] = hmap.field_filter[1]
        typed = None  # the fast path is decided on the whole column, not on the rows kept
        ts, _ambiguous = date_expr(con, raw.table, ts_col, dates=dates)
    else:  # an ISO column's fast path is confirmed by the typing pass itself (columns.confirm_typed)
        typed = [date_column(con, raw.table, "entered_at", hmap.entered_at, raw.headers[hmap.entered_at], None, dates)]
        ts = typed[0].expr
    gone = _gone_rows(con, raw, findings)
    if gone is not None:
        where = render("{w} AND NOT {gone}" if where else "WHERE NOT {gone}", w=where, gone=gone[0])
        params.update(gone[1])
    # staged cells are already stripped, empty ones NULL (readers/staging.py): no trim per cell here
    insert = """INSERT INTO imp_hist SELECT {d}, {stage}, {ts}, row_no FROM {raw} {where}"""
    run(con, HIST_DDL)
    run(con, render(insert, d=ident(f"c{hmap.deal_id}"), stage=ident(f"c{hmap.stage}"), ts=ts,
                    raw=ident(raw.table), where=where), params or None)
    if typed and confirm_typed(con, raw.table, "imp_hist", typed, None, dates=dates):  # not every cell was ISO
        run(con, HIST_DDL)
        run(con, render(insert, d=ident(f"c{hmap.deal_id}"), stage=ident(f"c{hmap.stage}"), ts=typed[0].expr,
                        raw=ident(raw.table), where=where), params or None)
    run(con, FROM_DDL)
    if hmap.stage_before is not None:  # the stage each move left: where a deal's first stage shows (history_order)
        run(con, render("INSERT INTO imp_hist_from SELECT {d}, {b}, {s}, row_no FROM {raw} {where}",
                        d=ident(f"c{hmap.deal_id}"),
                        b=ident(f"c{hmap.stage_before}"), s=ident(f"c{hmap.stage}"), raw=ident(raw.table),
                        where=where), params or None)
    if hmap.pipeline is not None:
        _earlier_pipelines(con, raw, hmap.pipeline, findings)
    bad = run(con, "SELECT count(*) FROM imp_hist WHERE deal_id IS NULL OR stage IS NULL OR entered_at IS NULL").fetchone()[0]
    if bad:
        findings.examples(con, "SELECT row_no, COALESCE(stage, deal_id) AS value FROM imp_hist "
                          "WHERE deal_id IS NULL OR stage IS NULL OR entered_at IS NULL", None,
                          "history.bad_row", "error", file_name)
        run(con, "DELETE FROM imp_hist WHERE deal_id IS NULL OR stage IS NULL OR entered_at IS NULL")
    return run(con, "SELECT count(*) FROM imp_hist").fetchone()[0]


# A history of moves only (amoCRM's events, Salesforce's OpportunityFieldHistory: old value → new value) never
# enters the stage a deal was created in: it shows only as the stage the deal's first move left. That stage is
# entered when the deal was created (the deal list's creation time), so its stay and the open deals there are
# counted; without a creation time, or one after the first move, nothing is made up. In such a history (one
# where some creation stage was entered so) a deal with no row never moved: it is in its stage since its
# creation. A log that writes each creation («» → «Первичный контакт») leaves a deal it lacks alone.
_CREATION_STAGE = """INSERT INTO imp_hist
    WITH firsts AS (
        SELECT h.deal_id, arg_min(f.stage_from, (h.entered_at, h.row_no)) AS stage_from, min(h.entered_at) AS first_at
        FROM imp_hist h JOIN imp_hist_from f ON f.row_no = h.row_no
        GROUP BY h.deal_id)
    SELECT fi.deal_id, fi.stage_from, v.created_at, 0
    FROM firsts fi JOIN imp_valid v ON v.deal_id = fi.deal_id
    WHERE fi.stage_from IS NOT NULL AND v.created_at IS NOT NULL AND v.created_at <= fi.first_at
      AND NOT EXISTS (SELECT 1 FROM imp_hist e WHERE e.deal_id = fi.deal_id AND e.stage = fi.stage_from
                                                 AND e.entered_at <= fi.first_at)"""
# a deal that never moved has no row in such a history: it is still in the stage it was created in
_NEVER_MOVED = """INSERT INTO imp_hist
    SELECT v.deal_id, v.stage, v.created_at, 0 FROM imp_valid v
    WHERE v.stage IS NOT NULL AND v.created_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM imp_hist h WHERE h.deal_id = v.deal_id)"""


def enter_creation_stages(con) -> int:
    """Add each deal's creation stage to a history of moves (see :data:`_CREATION_STAGE`); the rows added."""
    if not run(con, "SELECT count(*) FROM imp_hist_from").fetchone()[0]:
        return 0
    before = run(con, "SELECT count(*) FROM imp_hist").fetchone()[0]
    run(con, _CREATION_STAGE)
    if run(con, "SELECT count(*) FROM imp_hist").fetchone()[0] > before:  # moves only: no row for a deal never moved
        run(con, _NEVER_MOVED)
    return run(con, "SELECT count(*) FROM imp_hist").fetchone()[0] - before


def _earlier_pipelines(con, raw, column: int, findings: Findings) -> None:
    """A deal moved to another pipeline (Bitrix24's ``TYPE_ID`` 5: ``CATEGORY_ID`` 0 → 1) has its stays there
    before the move: not stays of the pipeline it is in now, whose stages may share their names («Новая»). A
    deal's pipeline is its latest row's; the rows of another one are left out, said (``history.other_pipeline``)."""
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_hist_other AS
        SELECT row_no FROM (
            SELECT h.row_no, r.{p} AS pl,
                   last_value(r.{p} IGNORE NULLS) OVER (PARTITION BY h.deal_id ORDER BY h.entered_at, h.row_no
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS now_pl
            FROM imp_hist h JOIN {raw} r ON r.row_no = h.row_no
            WHERE h.deal_id IS NOT NULL AND h.entered_at IS NOT NULL) AS t
        WHERE pl <> now_pl""", p=ident(f"c{column}"), raw=ident(raw.table)))
    moved = run(con, "SELECT count(*) FROM imp_hist_other").fetchone()[0]
    if moved:
        deals = run(con, "SELECT count(DISTINCT h.deal_id) FROM imp_hist h JOIN imp_hist_other o USING (row_no)"
                    ).fetchone()[0]
        findings.add("history.other_pipeline", "info", column=raw.headers[column], n=int(moved),
                     detail=json.dumps({"column": raw.headers[column], "deals": int(deals)}, ensure_ascii=False))
        run(con, "DELETE FROM imp_hist WHERE row_no IN (SELECT row_no FROM imp_hist_other)")
        run(con, "DELETE FROM imp_hist_from WHERE row_no IN (SELECT row_no FROM imp_hist_other)")
    run(con, "DROP TABLE imp_hist_other")


def _gone_rows(con, raw, findings: Findings) -> tuple[str, dict] | None:
    """(SQL condition, its parameters) of the history rows the file marks deleted (Salesforce's
    OpportunityHistory keeps ``IsDeleted``): a deleted stage entry is no visit of that stage. None
    when no column marks rows, or when every row carries the mark (a seed's flag says nothing)."""
    for index, header in enumerate(raw.headers):
        drop = gone_mark(header)
        if drop is None:
            continue
        n, total, condition, params = count_gone(con, raw.table, f"c{index}", drop)
        if n and n < total:
            findings.add("history.deleted", "warning", column=header, n=n)
            return condition, params
        if n:
            findings.add("history.all_deleted", "warning", column=header, n=n)
    return None


def stage_entered_events(con, raw, mapping, findings: Findings, dates: FileDates | None = None) -> None:
    """HubSpot-style ``Date entered "<Stage> (<Pipeline>)"`` columns into ``imp_hist``."""
    run(con, HIST_DDL)
    run(con, FROM_DDL)
    for index, (stage, _pipeline) in mapping.stage_entered.items():
        col = f"c{index}"
        ts, _ambiguous = date_expr(con, raw.table, col, alias="r", dates=dates)
        run(con, render(
            """INSERT INTO imp_hist
               SELECT v.deal_id, $stage, {ts}, r.row_no FROM {raw} r JOIN imp_valid v ON v.row_no = r.row_no
               WHERE {ts} IS NOT NULL""",
            ts=ts, raw=ident(raw.table)),
            {"stage": stage})
