-- velocity_time_in_stage_ranked: velocity_time_in_stage for a whole pipeline (no other filter) at an
-- $as_of by which every stay that will end has ended (the dataset's latest timestamp or later):
-- the finished stays are then all of them, whose percentiles the import stored per pipeline and
-- stage (velocity_stage_durations.sql), so only the open stays are read here. Same columns and
-- numbers.
-- tables: none; fragments: stays (the pipeline's stays: funnel/velocity/stays.py deal_stays),
-- durations (the dataset's stage_durations table)
WITH q AS (
    SELECT position, n, p10_days, p25_days, median_days, p75_days, p90_days, mean_days, sum_days
    FROM {durations}
    WHERE pipeline = $p_pipeline
),
o AS (
    SELECT position,
           (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0 AS open_days
    FROM {stays}
    WHERE kind = 'open' AND left_at IS NULL AND status = 'open' AND entered_at <= $as_of
),
oq AS (
    SELECT o.position,
           count(*) AS open_n,
           count(*) FILTER (WHERE o.open_days > q.p90_days) AS open_over_p90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.open_days) AS open_median_age,
           sum(o.open_days) AS open_sum
    FROM o LEFT JOIN q ON q.position = o.position
    GROUP BY o.position
),
allpos AS (
    SELECT position FROM q UNION SELECT position FROM oq
)
SELECT a.position, COALESCE(q.n, 0) AS n, q.p10_days, q.p25_days, q.median_days, q.p75_days, q.p90_days,
       q.mean_days,
       COALESCE(oq.open_n, 0) AS open_n,
       COALESCE(oq.open_over_p90, 0) AS open_over_p90,
       oq.open_median_age,
       (COALESCE(q.sum_days, 0) + COALESCE(oq.open_sum, 0)) / (COALESCE(q.n, 0) + COALESCE(oq.open_n, 0)) AS mean_with_open_days
FROM allpos AS a LEFT JOIN q ON q.position = a.position LEFT JOIN oq ON oq.position = a.position
ORDER BY a.position
