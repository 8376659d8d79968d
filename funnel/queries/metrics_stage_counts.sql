-- metrics_stage_counts: deals per (group, furthest funnel position, status) of the filtered deals.
-- One pass over deals; Python turns the counts into reached / lost_here / open_here by cumulative
-- sums (funnel/metrics/stages.py). Positions are the raw furthest_pos: a deal with no known
-- position counts at stage 1 (it entered), which Python applies to the few grouped rows.
-- tables: {deals}; fragments: {group_by} (GROUP BY over grp and the other keys; see
-- funnel/metrics/context.group_by), {group} (a column, NULL, or a CASE over a date column), {where}
SELECT {group} AS grp, furthest_pos AS pos, status, count(*) AS n
FROM {deals}
WHERE {where}
{group_by}
