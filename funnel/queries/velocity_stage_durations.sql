-- velocity_stage_durations: per pipeline and open stage, the finished stays' durations in days
-- (percentiles: percentile_cont, R's type 7; mean; sum), over every stay that has ended. The import
-- stores it beside the stays (funnel/velocity/stays.py): the time in stage of a whole pipeline at
-- an as-of by which every stay that will end has ended reads these few rows
-- (velocity_time_in_stage_ranked.sql) instead of sorting millions of stays on every page run. The
-- same aggregates as velocity_time_in_stage.sql's q over the same stays, so the same numbers.
-- tables: none; fragments: stays (the dataset's stays table)
SELECT pipeline, position,
       count(*) AS n,
       percentile_cont(0.1) WITHIN GROUP (ORDER BY stay_days) AS p10_days,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY stay_days) AS p25_days,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY stay_days) AS median_days,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY stay_days) AS p75_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY stay_days) AS p90_days,
       avg(stay_days) AS mean_days,
       sum(stay_days) AS sum_days
FROM {stays}
WHERE kind = 'open' AND left_at IS NOT NULL
GROUP BY pipeline, position
