-- metrics_stage_counts: deals per (group, furthest funnel position, status) of the filtered deals.
-- One pass over deals; Python turns the counts into reached / lost_here / open_here by cumulative
-- sums (funnel/metrics/stages.py). A deal with no known position counts at stage 1 (it entered).
-- tables: {deals}; fragments: {group} (a column or NULL), {where} (funnel/metrics/filters.py)
SELECT {group} AS grp,
       CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos,
       status,
       count(*) AS n,
       count(*) FILTER (WHERE status = 'lost' AND lost_stage_known = FALSE) AS lost_unknown
FROM {deals}
WHERE {where}
GROUP BY 1, 2, 3
