-- velocity_stay_durations: the stays of the filtered deals in each funnel stage (its position) that
-- started by $as_of, as (duration in days, ended) groups with how many stays share them: ended = 1
-- when the stay ended by then, 0 while it is still running (right-censored at $as_of). Input to
-- the Kaplan–Meier median (scipy.stats.ecdf, fed every stay back from the counts): a page reads
-- one row per distinct duration instead of one per stay.
-- tables: none; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays)
WITH d AS (
    SELECT s.position,
           CASE WHEN s.left_at <= $as_of THEN s.stay_days
                ELSE (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 END AS days,
           CASE WHEN s.left_at <= $as_of THEN 1 ELSE 0 END AS ended
    FROM {stays} AS s
    WHERE s.kind = 'open' AND s.entered_at <= $as_of
      AND NOT (s.left_at IS NULL AND s.status <> 'open')
)
SELECT position, days, ended, CAST(count(*) AS BIGINT) AS n
FROM d
GROUP BY position, days, ended
ORDER BY position
