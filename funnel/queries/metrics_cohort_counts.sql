-- metrics_cohort_counts: deals per (created cohort, furthest funnel position, status).
-- Two steps: deals are first counted per created DAY (a cheap cast), and only those few thousand
-- day rows are truncated to the cohort unit (date_trunc on every deal costs more than the scan).
-- Deals with no created date form the cohort NULL (counted as "undated" in Python), so one pass
-- gives both. Positions are raw furthest_pos: Python counts NULL / < 1 at stage 1.
-- tables: {deals}; fragments: {cohort} (date_trunc of created_day, unit from a whitelist), {where}
SELECT {cohort} AS cohort, pos, status, sum(n) AS n
FROM (
    SELECT CAST(created_at AS DATE) AS created_day, furthest_pos AS pos, status, count(*) AS n
    FROM {deals}
    WHERE {where}
    GROUP BY 1, 2, 3
) AS by_day
GROUP BY 1, 2, 3
