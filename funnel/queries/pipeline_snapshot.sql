-- pipeline_snapshot: the filtered deals open at $as_of per funnel stage they were in then (count and
-- amount). Open at T: created by T and not closed by T (a close time before the creation time counts
-- as the creation time, which for a deal created by T reads: status open, or closed after T).
-- The stage at T is the stay covering T; a deal without any stage history
-- counts at its current stage (history_known = FALSE), which is only exact for the latest date.
-- Closed deals without a close date cannot be placed in time and are left out.
-- position NULL: open then, but its stage at T is unknown (the history starts later).
-- Without joining deals to stays: the stays carry their deal's status, times, amount and current
-- stage, so per stage  covered (c)  +  [all open deals (d) - open deals with a history (h)] by
-- current stage, and the unknown bucket = open deals with a history - covered ones. A difference
-- of counts is exact; where it is 0 the two sets of deals are the same (h's deals are among d's, c's
-- among h's), so its amount is exactly 0 too, not the rounding left by subtracting two sums of
-- DOUBLE (summing as DECIMAL instead costs a fifth of the query). until_at > T reads only the
-- blocks that reach T.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
WITH d AS (
    SELECT stage_pos AS position, CAST(count(*) AS BIGINT) AS n, COALESCE(sum(amount), 0) AS amt
    FROM {deals}
    WHERE {where} AND (created_at IS NULL OR created_at <= $as_of)
      AND (status = 'open' OR closed_at > $as_of)
    GROUP BY stage_pos
),
h AS (
    SELECT stage_pos AS position, CAST(count(*) AS BIGINT) AS n, COALESCE(sum(amount), 0) AS amt
    FROM {stays}
    WHERE deal_first AND (created_at IS NULL OR created_at <= $as_of)
      AND (status = 'open' OR closed_at > $as_of)
    GROUP BY stage_pos
),
c AS (
    SELECT position, CAST(count(*) AS BIGINT) AS n, COALESCE(sum(amount), 0) AS amt
    FROM {stays}
    WHERE kind = 'open' AND until_at > $as_of AND entered_at <= $as_of AND (created_at IS NULL OR created_at <= $as_of)
      AND (status = 'open' OR closed_at > $as_of)
    GROUP BY position
),
uncovered AS (  -- open deals without a history, by current stage (d - h), and with one but not covered (h - c)
    SELECT position, sum(n) AS n, CASE WHEN sum(n) = 0 THEN 0 ELSE sum(amt) END AS amt
    FROM (SELECT position, n, amt FROM d UNION ALL SELECT position, -n, -amt FROM h) AS dh
    GROUP BY position
    UNION ALL
    SELECT NULL, sum(n), CASE WHEN sum(n) = 0 THEN 0 ELSE sum(amt) END
    FROM (SELECT n, amt FROM h UNION ALL SELECT -n, -amt FROM c) AS hc
),
parts AS (
    SELECT position, n, amt, 0 AS uncovered FROM c
    UNION ALL SELECT position, n, amt, n FROM uncovered
)
SELECT position, sum(n) AS open_deals, sum(amt) AS amount, sum(uncovered) AS without_history
FROM parts
GROUP BY position
HAVING sum(n) <> 0
ORDER BY 1
