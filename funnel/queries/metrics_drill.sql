-- metrics_drill: the deals behind one number; {limit} is LIMIT 10000 on screen (the total:
-- metrics_drill_count), empty for a download (every deal).
-- {order} is ORDER BY the deal id, or a whitelisted column then the deal id (a page is deterministic).
-- tables: {deals}; fragments: {where} (the spec), {selection} (which number), {order}, {limit}
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
{limit}
