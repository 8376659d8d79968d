-- velocity_stay_durations: every stay of the filtered deals in a funnel stage (its position) that
-- started by $as_of: its duration in days and whether it ended by then (1) or is still running (0,
-- right-censored at $as_of). Input to the Kaplan–Meier median (scipy.stats.ecdf).
-- tables: deals; fragments: stays, where
SELECT s.position,
       (EXTRACT(EPOCH FROM CASE WHEN s.left_at <= $as_of THEN s.left_at ELSE CAST($as_of AS TIMESTAMP) END)
        - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 AS days,
       CASE WHEN s.left_at <= $as_of THEN 1 ELSE 0 END AS ended
FROM {stays} AS s
JOIN (SELECT row_no, status FROM {deals} WHERE {where}) AS d ON d.row_no = s.row_no
WHERE s.kind = 'open' AND s.entered_at <= $as_of
  AND NOT (s.left_at IS NULL AND d.status <> 'open')
