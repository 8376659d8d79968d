-- velocity_stay_durations: every stay of the filtered deals in a funnel stage (its position) that
-- started by $as_of: its duration in days and whether it ended by then (1) or is still running (0,
-- right-censored at $as_of). Input to the Kaplan–Meier median (scipy.stats.ecdf).
-- tables: none; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays)
SELECT s.position,
       CASE WHEN s.left_at <= $as_of THEN s.stay_days
            ELSE (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 END AS days,
       CASE WHEN s.left_at <= $as_of THEN 1 ELSE 0 END AS ended
FROM {stays} AS s
WHERE s.kind = 'open' AND s.entered_at <= $as_of
  AND NOT (s.left_at IS NULL AND s.status <> 'open')
