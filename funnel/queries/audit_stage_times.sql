-- audit_stage_times: per funnel position of one pipeline, how long deals stayed there (deals that
-- left it: the next stage entry of the same deal minus this one), entries since $recent_from, and
-- the open deals sitting there now with their age in the stage at $as_of (since their last entry:
-- a deal's last entry is its current stage). Stuck = older than $stuck_days when given, else than
-- the stage's p90 (Hyndman & Fan type 7).
-- Time in stage is measured on the deals with hash(deal_id) % $sample_mod = 0: every deal when
-- $sample_mod is 1 (up to SAMPLE_ABOVE stage entries, funnel/audit/stuck.py), a fixed 1-in-k sample
-- of deals above it (the window over every entry is the cost; quantiles of 100,000s of visits do
-- not need millions). Stuck and open counts are always exact.
-- The events table is read by each part directly (a CTE read three times would be materialised).
-- {chosen_only} is empty when the spec filters nothing but the pipeline (events carry it), else it
-- keeps the events of the chosen deals.
-- tables: {deals}, {events}; fragments: {where} (the spec), {chosen_only}; values: $p_pipeline...,
-- $as_of, $recent_from, $stuck_days, $sample_mod
WITH chosen AS (
    SELECT deal_id, status, stage_pos, amount FROM {deals} WHERE {where}
),
visits AS (
    SELECT e.position, e.entered_at,
           LEAD(e.entered_at) OVER (PARTITION BY e.deal_id ORDER BY e.entered_at) AS left_at
    FROM {events} AS e
    WHERE e.pipeline = $p_pipeline AND hash(e.deal_id) % $sample_mod = 0 {chosen_only}
),
durations AS (
    SELECT position,
           count(*) AS n_left,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS p50_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90_days,
           avg(days) AS mean_days
    FROM (SELECT position, date_diff('second', entered_at, left_at) / 86400.0 AS days
          FROM visits WHERE left_at IS NOT NULL AND position IS NOT NULL) AS v
    GROUP BY position
),
recent AS (
    SELECT position, count(*) AS entries_recent
    FROM {events} AS e
    WHERE e.pipeline = $p_pipeline AND e.position IS NOT NULL AND e.entered_at >= $recent_from
      AND e.entered_at < $as_of {chosen_only}
    GROUP BY position
),
open_now AS (
    SELECT c.stage_pos AS position, c.amount, date_diff('second', max(e.entered_at), $as_of) / 86400.0 AS age_days
    FROM chosen AS c
    JOIN {events} AS e ON e.deal_id = c.deal_id
    WHERE c.status = 'open' AND c.stage_pos IS NOT NULL AND e.pipeline = $p_pipeline
    GROUP BY c.deal_id, c.stage_pos, c.amount
),
open_stats AS (
    SELECT o.position,
           count(*) AS open_n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.age_days) AS open_median_age,
           count(*) FILTER (WHERE o.age_days > coalesce($stuck_days, d.p90_days)) AS stuck_n,
           sum(o.amount) FILTER (WHERE o.age_days > coalesce($stuck_days, d.p90_days)) AS stuck_amount
    FROM open_now AS o LEFT JOIN durations AS d ON d.position = o.position
    GROUP BY o.position
)
SELECT coalesce(d.position, s.position) AS position, d.n_left, d.p50_days, d.p90_days, d.mean_days,
       r.entries_recent, s.open_n, s.open_median_age, s.stuck_n, s.stuck_amount
FROM durations AS d
FULL OUTER JOIN open_stats AS s ON s.position = d.position
LEFT JOIN recent AS r ON r.position = coalesce(d.position, s.position)
ORDER BY 1
