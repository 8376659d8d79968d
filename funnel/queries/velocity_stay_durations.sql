-- velocity_stay_durations: the stays of the filtered deals in each funnel stage (its position) that
-- started by $as_of, as (duration in days, ended) groups with how many stays share them: ended = 1
-- when the stay ended by then, 0 while it is still running (right-censored at $as_of). Input to
-- the Kaplan–Meier median (statsmodels' SurvfuncRight, the counts as frequency weights): a page
-- reads one row per distinct duration instead of one per stay.
-- Two passes of plain range conditions instead of one CASE per stay: the ended stays (their stored
-- stay_days), and the running ones (few; until_at > $as_of reads only the blocks that reach it).
-- Closed deals whose last stay has no end are left out (their stay cannot be timed).
-- tables: none; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays)
SELECT position, stay_days AS days, 1 AS ended, CAST(count(*) AS BIGINT) AS n
FROM {stays}
WHERE kind = 'open' AND entered_at <= $as_of AND left_at <= $as_of
GROUP BY position, stay_days
UNION ALL
SELECT position,
       (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0, 0,
       CAST(count(*) AS BIGINT)
FROM {stays}
WHERE kind = 'open' AND entered_at <= $as_of AND until_at > $as_of AND (left_at IS NOT NULL OR status = 'open')
GROUP BY position, (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0
ORDER BY position
