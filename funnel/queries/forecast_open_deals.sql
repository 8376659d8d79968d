-- forecast_open_deals: every filtered deal open at $as_of with its current stage (0: none), the days
-- since it was created, its amount, and how it ended later (status_code 0 open, 1 won, 2 lost; close
-- time) for the back-test. funnel/velocity/forecast.py open_book then puts each at the stage of
-- its stay covering $as_of (forecast_covering_stays) and ages it from there; only a deal no stay
-- covers keeps its current stage and age since creation (from_created).
-- Open at T: created by T and not closed by T. A close time before the creation time counts as the
-- creation time, which for a deal created by T is the same as: status open, or closed after T.
-- Unordered: the caller orders by row_no.
-- tables: deals; fragments: where
SELECT row_no, COALESCE(stage_pos, 0) AS position,
       (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM created_at)) / 86400.0 AS age_days,
       COALESCE(amount, 0) AS amount,
       CASE status WHEN 'won' THEN 1 WHEN 'lost' THEN 2 ELSE 0 END AS status_code,
       CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END AS closed
FROM {deals}
WHERE {where} AND created_at <= $as_of AND (status = 'open' OR closed_at > $as_of)
