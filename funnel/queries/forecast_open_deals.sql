-- forecast_open_deals: every filtered deal open at some moment between $first and $last, with its
-- current stage (0: none), creation and close times (no close time: the far future, 9999-12-31,
-- as the stays' until_at), amount, and how it ended (status_code 0 open, 1 won, 2 lost).
-- funnel/velocity/forecast.py open_books picks, for each of the caller's as-of times T (the
-- forecast's one, the back-test's month starts), the deals open at T and puts each at the stage of
-- its stay covering T (forecast_covering_stays); only a deal no stay covers keeps its current stage
-- and is aged from its creation (from_created).
-- Open at T: created by T and not closed by T. A close time before the creation time counts as the
-- creation time, which for a deal created by T is the same as: status open, or closed after T. A
-- deal without a creation date was created before any date (its age from creation is unknown).
-- Unordered: the caller orders by row_no.
-- tables: deals; fragments: where
SELECT row_no, COALESCE(stage_pos, 0) AS position, created_at,
       COALESCE(closed_at, TIMESTAMP '9999-12-31 00:00:00') AS closed_at,
       COALESCE(amount, 0) AS amount,
       CASE status WHEN 'won' THEN 1 WHEN 'lost' THEN 2 ELSE 0 END AS status_code
FROM {deals}
WHERE {where} AND (created_at IS NULL OR created_at <= $last) AND (status = 'open' OR closed_at > $first)
