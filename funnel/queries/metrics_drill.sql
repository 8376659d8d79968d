-- metrics_drill: the deals behind one number, the total among them, at most 10,000 rows.
-- tables: {deals}; fragments: {where} (the spec), {selection} (which number), {order}
SELECT deal_id, deal_name, stage, status, amount, manager, source, variant,
       created_at, closed_at, lost_reason, count(*) OVER () AS total_rows
FROM (
    SELECT d.*,
           CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos
    FROM {deals} AS d
    WHERE {where}
) AS s
WHERE {selection}
ORDER BY {order}
LIMIT 10000
