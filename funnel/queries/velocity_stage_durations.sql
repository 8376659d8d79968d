-- velocity_stage_durations: per pipeline and open stage, the finished stays' durations in days
-- (percentiles as percentile_cont, R's type 7; mean; sum), over every stay that has ended. The
-- import stores it beside the stays (funnel/velocity/stays.py): the time in stage of a whole
-- pipeline at an as-of by which every stay that will end has ended reads these few rows
-- (velocity_time_in_stage_ranked.sql) instead of sorting millions of stays on every page run.
-- How, in memory that can spill: percentile_cont as an aggregate keeps every value of a group in
-- memory (at 10M deals, 44M stays: more than the store's budget, and it cannot spill), so the
-- stays are counted per distinct duration (a grouping, which spills), the counts are accumulated
-- in duration order (a window, which spills), and the value at rank k is the duration whose
-- accumulated count first reaches k. Type 7: h = (n - 1) p + 1, the value at rank floor(h) plus
-- (h - floor(h)) times the step to the value at the next rank. The same numbers as
-- percentile_cont over the stays (tested), and the mean as their sum over their count.
-- tables: none; fragments: stays (the dataset's stays, or the import's per-stay rows)
WITH d AS (
    SELECT pipeline, position, stay_days, count(*) AS c
    FROM {stays}
    WHERE kind = 'open' AND left_at IS NOT NULL
    GROUP BY pipeline, position, stay_days
),
r AS (
    SELECT pipeline, position, stay_days, c,
           sum(c) OVER (PARTITION BY pipeline, position ORDER BY stay_days
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
    FROM d
),
g AS (
    SELECT pipeline, position, CAST(sum(c) AS BIGINT) AS n, sum(stay_days * c) AS sum_days
    FROM d
    GROUP BY pipeline, position
),
h AS (
    SELECT pipeline, position, n, sum_days,
           (n - 1) * 0.1 + 1 AS h10, (n - 1) * 0.25 + 1 AS h25, (n - 1) * 0.5 + 1 AS h50,
           (n - 1) * 0.75 + 1 AS h75, (n - 1) * 0.9 + 1 AS h90
    FROM g
),
k AS (
    -- the ranks each percentile reads: floor(h) and the next one (the last rank when there is none)
    SELECT pipeline, position, n, sum_days, h10, h25, h50, h75, h90,
           CAST(floor(h10) AS BIGINT) AS a10, least(CAST(floor(h10) AS BIGINT) + 1, n) AS b10,
           CAST(floor(h25) AS BIGINT) AS a25, least(CAST(floor(h25) AS BIGINT) + 1, n) AS b25,
           CAST(floor(h50) AS BIGINT) AS a50, least(CAST(floor(h50) AS BIGINT) + 1, n) AS b50,
           CAST(floor(h75) AS BIGINT) AS a75, least(CAST(floor(h75) AS BIGINT) + 1, n) AS b75,
           CAST(floor(h90) AS BIGINT) AS a90, least(CAST(floor(h90) AS BIGINT) + 1, n) AS b90
    FROM h
),
v AS (
    -- a row of r holds ranks upto - c + 1 .. upto: it is the value at rank x when upto - c < x <= upto
    -- (a column per rank, not a row per percentile: the join reads each distinct duration once)
    SELECT k.pipeline, k.position,
           max(CASE WHEN r.upto - r.c < k.a10 AND k.a10 <= r.upto THEN r.stay_days END) AS va10,
           max(CASE WHEN r.upto - r.c < k.b10 AND k.b10 <= r.upto THEN r.stay_days END) AS vb10,
           max(CASE WHEN r.upto - r.c < k.a25 AND k.a25 <= r.upto THEN r.stay_days END) AS va25,
           max(CASE WHEN r.upto - r.c < k.b25 AND k.b25 <= r.upto THEN r.stay_days END) AS vb25,
           max(CASE WHEN r.upto - r.c < k.a50 AND k.a50 <= r.upto THEN r.stay_days END) AS va50,
           max(CASE WHEN r.upto - r.c < k.b50 AND k.b50 <= r.upto THEN r.stay_days END) AS vb50,
           max(CASE WHEN r.upto - r.c < k.a75 AND k.a75 <= r.upto THEN r.stay_days END) AS va75,
           max(CASE WHEN r.upto - r.c < k.b75 AND k.b75 <= r.upto THEN r.stay_days END) AS vb75,
           max(CASE WHEN r.upto - r.c < k.a90 AND k.a90 <= r.upto THEN r.stay_days END) AS va90,
           max(CASE WHEN r.upto - r.c < k.b90 AND k.b90 <= r.upto THEN r.stay_days END) AS vb90
    FROM r JOIN k ON k.pipeline = r.pipeline AND k.position = r.position
    GROUP BY k.pipeline, k.position
)
SELECT k.pipeline, k.position, k.n,
       v.va10 + (k.h10 - k.a10) * (v.vb10 - v.va10) AS p10_days,
       v.va25 + (k.h25 - k.a25) * (v.vb25 - v.va25) AS p25_days,
       v.va50 + (k.h50 - k.a50) * (v.vb50 - v.va50) AS median_days,
       v.va75 + (k.h75 - k.a75) * (v.vb75 - v.va75) AS p75_days,
       v.va90 + (k.h90 - k.a90) * (v.vb90 - v.va90) AS p90_days,
       k.sum_days / k.n AS mean_days,
       k.sum_days
FROM k JOIN v ON v.pipeline = k.pipeline AND v.position = k.position
