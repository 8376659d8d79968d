-- velocity_stays: one row per stay of a deal in a funnel stage, derived from the stage history.
-- Rendered as a subquery wherever a velocity_* / pipeline_* query reads "stays" (or stored once,
-- when the dataset keeps a table of them).
-- A stay starts when the deal enters the stage and ends when it enters any other stage (forward,
-- back, or a lost stage); the last stay of a closed deal ends at its close time; the last stay of
-- an open deal has no end (left_at NULL). Lost stages are outcomes, not steps: no stays of their
-- own. kind: the stage's kind ('open' or 'won'); next_position: where the deal went next (NULL:
-- a lost stage, or closed without a further entry).
-- row_no: the deal's row_no (an integer key: joins to deals much faster than the text deal_id).
-- tables: events, deals, stages
SELECT e.deal_id, e.row_no, e.pipeline, e.stage, e.position, st.kind, e.entered_at,
       COALESCE(e.next_at, e.closed_at) AS left_at, e.next_position
FROM (
    SELECT ev.deal_id, ev.pipeline, ev.stage, ev.position, ev.entered_at, d.closed_at, d.row_no,
           lead(ev.entered_at) OVER w AS next_at,
           lead(ev.position) OVER w AS next_position
    FROM {events} AS ev
    JOIN {deals} AS d ON d.deal_id = ev.deal_id
    WINDOW w AS (PARTITION BY d.row_no ORDER BY ev.entered_at, ev.position)
) AS e
JOIN {stages} AS st ON st.pipeline = e.pipeline AND st.stage = e.stage
WHERE e.position IS NOT NULL AND e.entered_at IS NOT NULL
