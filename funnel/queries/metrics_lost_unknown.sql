-- metrics_lost_unknown: lost deals whose lost stage is not known, per group of the filtered deals.
-- A separate query because the scan filters these few rows early; the same count as a FILTER
-- aggregate inside metrics_stage_counts tests every deal and costs several times more.
-- tables: {deals}; fragments: {group_by} (GROUP BY over grp and the other keys; see
-- funnel/metrics/context.group_by), {group}, {where}
SELECT {group} AS grp, count(*) AS n
FROM {deals}
WHERE {where} AND status = 'lost' AND lost_stage_known = FALSE
{group_by}
