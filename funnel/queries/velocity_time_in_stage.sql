-- velocity_time_in_stage: per funnel stage (open stages only) the finished stays' duration in days
-- (percentiles: percentile_cont, R's type 7) and the open deals still sitting there at $as_of
-- (censored stays) with how many have waited longer than the finished stays' p90, and the mean
-- over finished stays and open deals' ages together (a lower bound of the mean stay).
-- A stay counts when it started by $as_of; it is finished when it ended by $as_of, else the deal
-- is still there (its age = $as_of - entered). Durations: differences of the stored wall-clock
-- times (see funnel/velocity/common.py). Closed deals whose stay has no end are left out.
-- The open stays (few) are aged and compared with the p90 apart from the percentiles' pass.
-- tables: none; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays)
WITH x AS (
    SELECT s.position, s.left_at, s.entered_at,
           CASE WHEN s.left_at <= $as_of THEN s.stay_days END AS done_days
    FROM {stays} AS s
    WHERE s.kind = 'open' AND s.entered_at <= $as_of
      AND NOT (s.left_at IS NULL AND s.status <> 'open')
),
q AS (
    SELECT position,
           count(done_days) AS n,
           percentile_cont(0.1) WITHIN GROUP (ORDER BY done_days) AS p10_days,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY done_days) AS p25_days,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY done_days) AS median_days,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY done_days) AS p75_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY done_days) AS p90_days,
           avg(done_days) AS mean_days,
           COALESCE(sum(done_days), 0) AS sum_days
    FROM x
    GROUP BY position
),
o AS (
    SELECT position,
           (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0 AS open_days
    FROM x
    WHERE left_at IS NULL OR left_at > $as_of
),
oq AS (
    SELECT o.position,
           count(*) AS open_n,
           count(*) FILTER (WHERE o.open_days > q.p90_days) AS open_over_p90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.open_days) AS open_median_age,
           sum(o.open_days) AS open_sum
    FROM o JOIN q ON q.position = o.position
    GROUP BY o.position
)
SELECT q.position, q.n, q.p10_days, q.p25_days, q.median_days, q.p75_days, q.p90_days, q.mean_days,
       COALESCE(oq.open_n, 0) AS open_n,
       COALESCE(oq.open_over_p90, 0) AS open_over_p90,
       oq.open_median_age,
       (q.sum_days + COALESCE(oq.open_sum, 0)) / (q.n + COALESCE(oq.open_n, 0)) AS mean_with_open_days
FROM q LEFT JOIN oq ON oq.position = q.position
ORDER BY q.position
