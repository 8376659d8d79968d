-- metrics_cohort_counts: deals per (created cohort, furthest funnel position, status).
-- tables: {deals}; fragments: {cohort} (date_trunc of created_at, unit from a whitelist), {where}
SELECT {cohort} AS cohort,
       CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos,
       status,
       count(*) AS n
FROM {deals}
WHERE {where} AND created_at IS NOT NULL
GROUP BY 1, 2, 3
