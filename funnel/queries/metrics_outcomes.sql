-- metrics_outcomes: money and cycle length of the won deals per group of the filtered deals.
-- Only won deals are scanned into the aggregates (the percentiles sort them, nothing else).
-- percentile_cont interpolates between order statistics (Hyndman & Fan type 7, R's default).
-- mixed_currencies: the won deals carry more than one currency (NULL when none carries one);
-- min <> max says the same as count(DISTINCT currency) > 1 without building a distinct set.
-- won_reversed: won deals closed before they were created (no cycle: deals.cycle_days is NULL for them).
-- tables: {deals}; fragments: {group_by} (GROUP BY over grp and the other keys; see
-- funnel/metrics/context.group_by), {group}, {where}
SELECT {group} AS grp,
       count(*) AS won,
       count(amount) AS won_with_amount,
       min(currency) <> max(currency) AS mixed_currencies,
       sum(amount) AS revenue,
       avg(amount) AS avg_deal_size,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median_deal_size,
       count(cycle_days) AS won_with_cycle,
       count(*) FILTER (WHERE closed_at < created_at) AS won_reversed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_days) AS median_cycle_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_days) AS p90_cycle_days
FROM {deals}
WHERE {where} AND status = 'won'
{group_by}
