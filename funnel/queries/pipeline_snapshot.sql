-- pipeline_snapshot: the filtered deals open at $as_of per funnel stage they were in then (count and
-- amount). Open at T: created by T and not closed by T (a close time before the creation time counts
-- as the creation time). The stage at T is the stay covering T; a deal without any stage history
-- counts at its current stage (history_known = FALSE), which is only exact for the latest date.
-- Closed deals without a close date cannot be placed in time and are left out.
-- position NULL: open then, but its stage at T is unknown (the history starts later).
-- tables: deals; fragments: stays, where
WITH d AS (
    SELECT row_no, amount, stage_pos
    FROM {deals}
    WHERE {where} AND created_at <= $as_of
      AND (status = 'open' OR (closed_at IS NOT NULL AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $as_of))
),
cover AS (
    SELECT row_no, position FROM {stays}
    WHERE kind = 'open' AND entered_at <= $as_of AND (left_at IS NULL OR left_at > $as_of)
),
hist AS (
    SELECT DISTINCT row_no FROM {stays}
)
SELECT CASE WHEN c.position IS NOT NULL THEN c.position
            WHEN h.row_no IS NULL THEN d.stage_pos END AS position,
       count(*) AS open_deals,
       COALESCE(sum(d.amount), 0) AS amount,
       count(*) FILTER (WHERE c.position IS NULL) AS without_history
FROM d LEFT JOIN cover AS c ON c.row_no = d.row_no
LEFT JOIN hist AS h ON h.row_no = d.row_no
GROUP BY 1
ORDER BY 1
