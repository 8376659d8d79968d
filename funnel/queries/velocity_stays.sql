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
-- first stay of all (one row per deal with a history); stay_rank = the finished stay's rank by
-- duration among the finished stays of its pipeline and stage (1 = shortest; NULL while running):
-- percentiles over a whole pipeline read two rows instead of sorting millions; until_at = left_at,
-- or the far future while the stay runs ("covers T" is then the one range until_at > T, which the
-- stored table, ordered by deal_first and until_at, answers from a fraction of its blocks).
-- tables: events, deals, stages
SELECT e.deal_id, e.row_no, e.pipeline, e.stage, e.position, st.kind, e.entered_at,
       COALESCE(e.next_at, e.closed_at) AS left_at, e.next_position,
       e.status, e.created_at, e.closed_at, e.amount, e.stage_pos,
       (EXTRACT(EPOCH FROM COALESCE(e.next_at, e.closed_at)) - EXTRACT(EPOCH FROM e.entered_at)) / 86400.0 AS stay_days,
       row_number() OVER (PARTITION BY e.row_no, e.position ORDER BY e.entered_at) = 1 AS first_visit,
       row_number() OVER (PARTITION BY e.row_no ORDER BY e.entered_at, e.position) = 1 AS deal_first,
       CASE WHEN COALESCE(e.next_at, e.closed_at) IS NOT NULL AND st.kind = 'open'
            THEN row_number() OVER (PARTITION BY e.pipeline, e.position, COALESCE(e.next_at, e.closed_at) IS NULL, st.kind
                                    ORDER BY (EXTRACT(EPOCH FROM COALESCE(e.next_at, e.closed_at)) - EXTRACT(EPOCH FROM e.entered_at)))
       END AS stay_rank,
       COALESCE(e.next_at, e.closed_at, TIMESTAMP '9999-12-31 00:00:00') AS until_at
FROM (
    SELECT ev.deal_id, ev.pipeline, ev.stage, ev.position, ev.entered_at, d.row_no,
           d.status, d.created_at, d.closed_at, d.amount, d.stage_pos,
           lead(ev.entered_at) OVER w AS next_at,
           lead(ev.position) OVER w AS next_position
    FROM {events} AS ev
    JOIN {deals} AS d ON d.deal_id = ev.deal_id
    WINDOW w AS (PARTITION BY d.row_no ORDER BY ev.entered_at, ev.position)
) AS e
JOIN {stages} AS st ON st.pipeline = e.pipeline AND st.stage = e.stage
WHERE e.position IS NOT NULL AND e.entered_at IS NOT NULL
