-- velocity_time_in_stage_ranked: velocity_time_in_stage for a whole pipeline (no other filter) at an
-- $as_of by which every stay that will end has ended (the dataset's latest timestamp or later):
-- the finished stays are then exactly those with a stay_rank (velocity_stays.sql), so each
-- percentile (percentile_cont, R's type 7: h = (n - 1) p + 1, between the floor(h)-th and the
-- next value) reads two ranked rows instead of sorting every stay. Same columns and numbers.
-- tables: none; fragments: stays (the pipeline's stays: funnel/velocity/stays.py deal_stays)
WITH f AS (
    SELECT position, count(*) AS n, avg(stay_days) AS mean_days, sum(stay_days) AS sum_days
    FROM {stays}
    WHERE kind = 'open' AND stay_rank IS NOT NULL
    GROUP BY position
),
pts AS (
    SELECT f.position, l.p, (f.n - 1) * l.p + 1 AS h, CAST(floor((f.n - 1) * l.p + 1) AS BIGINT) AS lo
    FROM f CROSS JOIN (VALUES (0.1), (0.25), (0.5), (0.75), (0.9)) AS l(p)
),
vals AS (
    SELECT position, stay_rank, stay_days FROM {stays}
    WHERE kind = 'open' AND stay_rank IN (SELECT lo FROM pts UNION SELECT lo + 1 FROM pts)
),
pv AS (
    SELECT pts.position, pts.p,
           a.stay_days + (pts.h - pts.lo) * (COALESCE(b.stay_days, a.stay_days) - a.stay_days) AS v
    FROM pts
    JOIN vals AS a ON a.position = pts.position AND a.stay_rank = pts.lo
    LEFT JOIN vals AS b ON b.position = pts.position AND b.stay_rank = pts.lo + 1
),
q AS (
    SELECT f.position, f.n, f.mean_days, f.sum_days,
           max(pv.v) FILTER (WHERE pv.p = 0.1) AS p10_days,
           max(pv.v) FILTER (WHERE pv.p = 0.25) AS p25_days,
           max(pv.v) FILTER (WHERE pv.p = 0.5) AS median_days,
           max(pv.v) FILTER (WHERE pv.p = 0.75) AS p75_days,
           max(pv.v) FILTER (WHERE pv.p = 0.9) AS p90_days
    FROM f JOIN pv ON pv.position = f.position
    GROUP BY f.position, f.n, f.mean_days, f.sum_days
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
