"""The floor of an import: the dataset's tables built by bare DuckDB, in the fewest statements.

``funnel import`` reads a deals CSV and a stage history, and stores ``deals``, ``events``,
``stays`` and ``stage_durations`` (funnel/schema.py, funnel/velocity/stays.py). This module builds
the same four tables, with the same columns and the same values (``tests/unit/test_import_floor.py``
compares them row by row on a generated export), from the same generated files, with everything the
import has to find out handed to it: the columns' meaning, their types, the stage order and which
stages are won or lost. It stages nothing as text, checks nothing, reports nothing, and knows the
files are clean. The stays are built by the import's own steps (``derive_stays``): the other form
tried (two statements, the deal's columns carried through the window) cost more. What it costs is
what the tables themselves cost in DuckDB; the import bench (``bench/bench_import.py``) runs it beside ``funnel import`` and DuckDB's bare ``read_csv``, so the
import's time splits into the tables' own cost and what the import adds to them.

Only for the files of ``bench.common.generate_crm_files`` (their headers, formats and stages).
Usage (a child process of the bench): ``python -m bench.import_floor DB DEALS HISTORY [MEMORY_LIMIT]``.
"""

from __future__ import annotations

import sys

import duckdb

from bench.common import STAGES
from funnel.velocity.stays import derive_stays

WON = "Closed Won"
LOST = "Closed Lost"

# every value already typed by the reader; the file's own line number (the header is line 1) as row_no
DEALS = """
CREATE TEMP TABLE dv AS
SELECT CAST(row_number() OVER () + 1 AS INTEGER) AS row_no, "Deal ID" AS deal_id, "Deal Name" AS deal_name,
       "Stage" AS stage, "Amount" AS amount, "Created Date" AS created_at, "Actual Close Date" AS closed_at,
       "Owner" AS manager, "Lead Source" AS source
FROM read_csv($deals, header = true, types = {'Deal ID': 'VARCHAR', 'Amount': 'DOUBLE',
              'Created Date': 'TIMESTAMP', 'Actual Close Date': 'TIMESTAMP'})
"""
HISTORY = """
CREATE TEMP TABLE h AS
SELECT CAST(row_number() OVER () + 1 AS INTEGER) AS row_no, "Deal ID" AS deal_id, "Stage" AS stage,
       "Date Entered" AS entered_at
FROM read_csv($history, header = true, types = {'Deal ID': 'VARCHAR', 'Date Entered': 'TIMESTAMP'})
"""
# one window over the history: runs of one stage collapsed, the previous known position for
# backward moves; the deal's row number partitions it (an integer sorts cheaper than the id)
EVENTS = """
CREATE TEMP TABLE ev AS
SELECT deal_id, pipeline, stage, position, entered_at, deal_row, prev_pos FROM (
    SELECT h.deal_id, '' AS pipeline, h.stage, s.position, h.entered_at, v.row_no AS deal_row,
           lag(h.stage) OVER w AS prev, lag(s.position IGNORE NULLS) OVER w AS prev_pos
    FROM h JOIN dv v ON v.deal_id = h.deal_id
    LEFT JOIN stages s ON s.pipeline = '' AND s.stage = h.stage
    WINDOW w AS (PARTITION BY v.row_no ORDER BY h.entered_at, h.row_no)) AS r
WHERE prev IS NULL OR prev <> stage
"""
DEALS_FINAL = """
CREATE TABLE deals AS
WITH hp AS (SELECT deal_row, max(position) AS hist_pos, max(entered_at) AS last_entry_at FROM ev GROUP BY deal_row),
base AS (
    SELECT v.*, s.position AS stage_pos, s.kind,
           CASE WHEN s.kind IN ('won', 'lost') THEN s.kind ELSE 'open' END AS status,
           CASE WHEN s.kind = 'won' THEN (SELECT max(position) FROM stages)
                ELSE greatest(COALESCE(hp.hist_pos, 0), CASE WHEN s.kind = 'open' THEN s.position ELSE 0 END)
           END AS reached, hp.last_entry_at
    FROM dv v LEFT JOIN stages s ON s.pipeline = '' AND s.stage = v.stage LEFT JOIN hp ON hp.deal_row = v.row_no)
SELECT deal_id, deal_name, created_at, closed_at, stage, status, amount, CAST(NULL AS VARCHAR) AS currency,
       manager, source, CAST(NULL AS VARCHAR) AS variant, '' AS pipeline, CAST(NULL AS VARCHAR) AS lost_reason,
       stage_pos, CASE WHEN reached > 0 THEN reached ELSE 1 END AS furthest_pos,
       CASE WHEN status = 'lost' THEN (CASE WHEN reached > 0 THEN reached ELSE 1 END) END AS lost_pos,
       CASE WHEN status = 'lost' THEN reached > 0 END AS lost_stage_known,
       CASE WHEN closed_at >= created_at THEN date_diff('second', created_at, closed_at) / 86400.0 END AS cycle_days,
       row_no, last_entry_at
FROM base
"""
EVENTS_FINAL = "CREATE TABLE events AS SELECT deal_id, pipeline, stage, position, entered_at FROM ev"


def build(con, deals: str, history: str) -> None:
    """The dataset's tables in ``con`` (its main schema) from the generated ``deals`` and ``history`` CSVs."""
    stages = [(name, k + 1, "won" if name == WON else "open") for k, name in enumerate(STAGES)]
    con.execute("CREATE TABLE stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    con.executemany("INSERT INTO stages VALUES ('', ?, ?, ?)", [*stages, (LOST, None, "lost")])
    con.execute(DEALS, {"deals": deals})
    con.execute(HISTORY, {"history": history})
    con.execute(EVENTS)
    con.execute("DROP TABLE h")
    con.execute(DEALS_FINAL)
    con.execute("DROP TABLE dv")
    con.execute(EVENTS_FINAL)
    # the stays as the import builds them: its steps cost less than the other form tried (one window
    # over narrow rows, the first visits without a second one, the deal's columns joined last)
    for view, table in (("imp_events", "ev"), ("imp_deals", "deals"), ("imp_stages", "stages")):
        con.execute(f"CREATE TEMP VIEW {view} AS SELECT * FROM {table}")
    derive_stays(con, into="main")
    con.execute("DROP VIEW imp_events; DROP VIEW imp_deals; DROP VIEW imp_stages; DROP TABLE ev")


def main(argv: list[str]) -> None:
    db, deals, history = argv[:3]
    con = duckdb.connect(db, config={"memory_limit": argv[3]} if len(argv) > 3 else {})
    con.execute("BEGIN")
    build(con, deals, history)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()


if __name__ == "__main__":
    main(sys.argv[1:])
