-- metrics_drill: the deals behind one number, at most 10,000 rows (the total: metrics_drill_count).
-- {order} is empty (file order: the scan stops after 10,000 rows) or ORDER BY a whitelisted column.
-- tables: {deals}; fragments: {where} (the spec), {selection} (which number), {order}
SELECT deal_id, deal_name, stage, status, amount, manager, source, variant,
       created_at, closed_at, lost_reason
FROM (
    SELECT d.*,
           CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos
    FROM {deals} AS d
    WHERE {where}
) AS s
WHERE {selection}
{order}
LIMIT 10000
