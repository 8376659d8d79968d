-- metrics_drill_count: how many deals are behind one number (run when the drill page is full).
-- tables: {deals}; fragments: {where} (the spec), {selection} (which number)
SELECT count(*) AS total_rows
FROM (
    SELECT d.*,
           CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos
    FROM {deals} AS d
    WHERE {where}
) AS s
WHERE {selection}
