-- velocity_time_in_stage: per funnel stage (open stages only) the finished stays' duration in days
-- (percentiles: percentile_cont, R's type 7) and the open deals still sitting there at $as_of
-- (censored stays) with how many have waited longer than the finished stays' p90, and the mean
-- over finished stays and open deals' ages together (a lower bound of the mean stay).
-- A stay counts when it started by $as_of; it is finished when it ended by $as_of, else the deal
-- is still there (its age = $as_of - entered). Durations: differences of the stored wall-clock
-- times (see funnel/velocity/common.py). Closed deals whose stay has no end are left out.
-- tables: deals; fragments: stays (a table or subquery), where (the spec over deals' columns)
WITH x AS (
    SELECT s.position,
           CASE WHEN s.left_at <= $as_of
                THEN (EXTRACT(EPOCH FROM s.left_at) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 END AS stay_days,
           CASE WHEN s.left_at IS NULL OR s.left_at > $as_of
                THEN (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 END AS open_days
    FROM {stays} AS s
    JOIN (SELECT row_no, status FROM {deals} WHERE {where}) AS d ON d.row_no = s.row_no
    WHERE s.kind = 'open' AND s.entered_at <= $as_of
      AND NOT (s.left_at IS NULL AND d.status <> 'open')
),
q AS (
    SELECT position,
           count(stay_days) AS n,
           percentile_cont(0.1) WITHIN GROUP (ORDER BY stay_days) AS p10_days,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY stay_days) AS p25_days,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY stay_days) AS median_days,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY stay_days) AS p75_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY stay_days) AS p90_days,
           avg(stay_days) AS mean_days
    FROM x
    GROUP BY position
)
SELECT q.position, q.n, q.p10_days, q.p25_days, q.median_days, q.p75_days, q.p90_days, q.mean_days,
       count(x.open_days) AS open_n,
       count(*) FILTER (WHERE x.open_days > q.p90_days) AS open_over_p90,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.open_days) AS open_median_age,
       avg(COALESCE(x.stay_days, x.open_days)) AS mean_with_open_days
FROM q JOIN x ON x.position = q.position
GROUP BY q.position, q.n, q.p10_days, q.p25_days, q.median_days, q.p75_days, q.p90_days, q.mean_days
ORDER BY q.position
