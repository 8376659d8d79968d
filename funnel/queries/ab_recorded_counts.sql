-- ab_recorded_counts: per (group value, stage position) the filtered visitors with a recorded entry of that step (an
-- event at its position). ab_step_counts counts a visitor at every step up to its furthest (the funnel's «reached»,
-- DOMAIN.md); the difference is the visitors counted at a step they skipped (Cookie Cats: 3,599 players back on day
-- 7 and not on day 1), which the A/B page says beside the step, with the comparison of the recorded entries alone
-- (funnel/ab_dataset.py). Visitor files and event logs only: a CRM's deals without a history record no entry.
-- tables: {deals}, {events}; fragments: {group} (a checked, quoted column), {where} (funnel/metrics/filters.py)
SELECT d.grp, e.position AS pos, count(*) AS n
FROM (SELECT deal_id, {group} AS grp FROM {deals} WHERE {where}) AS d
JOIN (SELECT DISTINCT deal_id, position FROM {events} WHERE position IS NOT NULL) AS e ON e.deal_id = d.deal_id
GROUP BY 1, 2
ORDER BY 1, 2
