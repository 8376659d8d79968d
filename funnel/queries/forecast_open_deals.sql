-- forecast_open_deals: every filtered deal open at $as_of with its stage then, how long it had been in
-- that stage (days; NULL without a stage history: then days since it was created, from_created), its
-- amount, and how it ended later (status, close time) for the back-test. The stage then: the stay
-- covering $as_of; a deal without any stage history counts at its current stage.
-- Without joining deals to stays: the covering stays carry their deal's status, times and amount (at
-- most one covers a moment), and the open deals no stay covers come from the deals (an anti-join
-- on the integer row_no alone).
-- Ordered by row_no: the seeded Monte Carlo draws deal by deal, so the same data gives the same runs.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
WITH cover AS (
    SELECT row_no, position, entered_at, COALESCE(amount, 0) AS amount, status,
           CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END AS closed
    FROM {stays}
    WHERE kind = 'open' AND entered_at <= $as_of AND until_at > $as_of
      AND created_at <= $as_of
      AND (status = 'open' OR (closed_at IS NOT NULL AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $as_of))
),
d AS (
    SELECT row_no, stage_pos, created_at, status, COALESCE(amount, 0) AS amount,
           CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END AS closed
    FROM {deals}
    WHERE {where} AND created_at <= $as_of
      AND (status = 'open' OR (closed_at IS NOT NULL AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $as_of))
      AND row_no NOT IN (SELECT row_no FROM cover)
)
SELECT position,
       (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0 AS age_days,
       from_created, amount, status, closed
FROM (
    SELECT row_no, position, entered_at, FALSE AS from_created, amount, status, closed FROM cover
    UNION ALL
    SELECT row_no, stage_pos, created_at, TRUE, amount, status, closed FROM d
) AS b
ORDER BY row_no
