-- velocity_stays: one row per stay of a deal in a funnel stage, derived from the stage history.
-- Rendered as a subquery wherever a velocity_* / pipeline_* query reads "stays" (or stored once,
-- when the dataset keeps a table of them).
-- A stay starts when the deal enters the stage and ends when it enters any other stage (forward,
-- back, or a lost stage); the last stay of a closed deal ends at its close time; the last stay of
-- an open deal has no end (left_at NULL). Lost stages are outcomes, not steps: no stays of their
-- own. kind: the stage's kind ('open' or 'won'); next_position: where the deal went next (NULL:
-- a lost stage, or closed without a further entry).
-- row_no: the deal's row_no (an integer key: joins to deals much faster than the text deal_id).
-- Per-deal facts carried on every stay, so the pages read the stays alone instead of joining the
-- deals (the deal's own columns, same names and values as in deals): status, created_at,
-- closed_at, amount, stage_pos. Per-stay facts: stay_days = left_at - entered_at in days (NULL
-- while running); first_visit = the deal's first stay in this stage; deal_first = the deal's
-- first stay of all (one row per deal with a history); until_at = left_at,
-- or the far future while the stay runs ("covers T" is then the one range until_at > T, which the
-- stored table, ordered by deal_first and until_at, answers from a fraction of its blocks).
-- The deal's text id is not carried (a stay names its deal by row_no; a drill-down reads the ids from
-- the deals): it was the costliest column to store. The finished stays' percentiles per stage over a
-- whole pipeline are stored apart by the import (velocity_stage_durations.sql), from these rows.
-- Cost (the import stores this once; ~4M stays at 1M deals): each window sorts its rows, so there
-- is one, over narrow rows (the deal's integer key, stage, times), and the deal's own columns are
-- joined once at the end by row_no. next_at / next_position, deal_first (no earlier entry of the
-- deal that is a stay, i.e. has a position and a time), prev_max (the highest position of the
-- deal's earlier entries) and seq (the entry's place in the deal's order) share that window.
-- first_visit without a second window (by deal and stage, a sort of every stay): a stay whose
-- position is above every earlier one of its deal is a first visit; only the others (a deal that
-- moved back or skipped ahead; few) are looked up among their own deal's earlier stays. Of stays
-- entered at the same instant in the same stage, the first in the deal's order is the first visit.
-- Keys: {deal_key} of the deals matches {event_key} of the events: deal_id and deal_id, or in the
-- import, whose events still carry their deal's row_no, row_no and deal_row (an integer join).
-- Steps: the named subqueries between "-- begin step: <name>" and "-- end step: <name>" lines are
-- what the import materialises one at a time as temp tables (funnel/velocity/stays.py,
-- derive_stays), each step reading the ones before it as {<name>}; everywhere else this file runs
-- as one query, each step written out where a later one reads it (stays_query: not as the WITH
-- items below, which DuckDB materialises and then fails to bind beside a derived deals table).
-- tables: events, deals, stages; fragments: deal_key, event_key, stays_moves, stays_facts
WITH stays_moves AS (
    -- begin step: stays_moves
    SELECT w.row_no, w.pipeline, w.stage, w.position, w.entered_at, w.next_position, w.deal_first,
           COALESCE(w.next_at, w.closed_at) AS left_at, w.prev_max, w.seq
    FROM (
        SELECT k.row_no, k.closed_at, ev.pipeline, ev.stage, ev.position, ev.entered_at,
               lead(ev.entered_at) OVER (PARTITION BY k.row_no ORDER BY ev.entered_at, ev.position) AS next_at,
               lead(ev.position) OVER (PARTITION BY k.row_no ORDER BY ev.entered_at, ev.position) AS next_position,
               count(CASE WHEN ev.position IS NOT NULL AND ev.entered_at IS NOT NULL THEN 1 END)
                   OVER (PARTITION BY k.row_no ORDER BY ev.entered_at, ev.position
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) = 0 AS deal_first,
               max(CASE WHEN ev.entered_at IS NOT NULL THEN ev.position END)
                   OVER (PARTITION BY k.row_no ORDER BY ev.entered_at, ev.position
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max,
               row_number() OVER (PARTITION BY k.row_no ORDER BY ev.entered_at, ev.position) AS seq
        FROM {events} AS ev
        JOIN {deals} AS k ON k.{deal_key} = ev.{event_key}
    ) AS w
    WHERE w.position IS NOT NULL AND w.entered_at IS NOT NULL
    -- end step: stays_moves
),
stays_facts AS (
    -- begin step: stays_facts
    SELECT s.row_no, s.pipeline, s.stage, s.position, st.kind, s.entered_at, s.left_at, s.next_position,
           (EXTRACT(EPOCH FROM s.left_at) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 AS stay_days,
           again.row_no IS NULL AS first_visit,
           s.deal_first,
           COALESCE(s.left_at, TIMESTAMP '9999-12-31 00:00:00') AS until_at
    FROM {stays_moves} AS s
    JOIN {stages} AS st ON st.pipeline = s.pipeline AND st.stage = s.stage
    -- the stays at or below an earlier position of their deal that are not its first in their stage
    LEFT JOIN (
        SELECT DISTINCT c.row_no, c.seq
        FROM {stays_moves} AS c
        JOIN {stays_moves} AS o ON o.row_no = c.row_no AND o.position = c.position AND o.seq < c.seq
        WHERE c.position <= c.prev_max
    ) AS again ON again.row_no = s.row_no AND again.seq = s.seq
    -- end step: stays_facts
)
SELECT e.row_no, e.pipeline, e.stage, e.position, e.kind, e.entered_at,
       e.left_at, e.next_position,
       d.status, d.created_at, d.closed_at, d.amount, d.stage_pos,
       e.stay_days, e.first_visit, e.deal_first, e.until_at
FROM {stays_facts} AS e
JOIN {deals} AS d ON d.row_no = e.row_no
