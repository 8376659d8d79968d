-- forecast_open_deals: every filtered deal open at $as_of with its stage then, how long it had been in
-- that stage (days; NULL without a stage history: then days since it was created, from_created), its
-- amount, and how it ended later (status, close time) for the back-test. The stage then: the stay
-- covering $as_of; a deal without any stage history counts at its current stage.
-- tables: deals; fragments: stays, where
WITH d AS (
    SELECT row_no, stage_pos, created_at, status, COALESCE(amount, 0) AS amount,
           CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END AS closed
    FROM {deals}
    WHERE {where} AND created_at <= $as_of
      AND (status = 'open' OR (closed_at IS NOT NULL AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $as_of))
),
cover AS (
    SELECT row_no, position, entered_at FROM {stays}
    WHERE kind = 'open' AND entered_at <= $as_of AND (left_at IS NULL OR left_at > $as_of)
)
SELECT COALESCE(c.position, d.stage_pos) AS position,
       (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM COALESCE(c.entered_at, d.created_at))) / 86400.0 AS age_days,
       c.position IS NULL AS from_created,
       d.amount, d.status, d.closed
FROM d LEFT JOIN cover AS c ON c.row_no = d.row_no
ORDER BY d.row_no
