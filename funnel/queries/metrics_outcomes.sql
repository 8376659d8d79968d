-- metrics_outcomes: money and cycle length of the won deals per group of the filtered deals.
-- Only won deals are scanned into the aggregates (the percentiles sort them, nothing else).
-- percentile_cont interpolates between order statistics (Hyndman & Fan type 7, R's default).
-- tables: {deals}; fragments: {group}, {where}
SELECT {group} AS grp,
       count(*) AS won,
       count(amount) AS won_with_amount,
       count(DISTINCT currency) AS won_currencies,
       sum(amount) AS revenue,
       avg(amount) AS avg_deal_size,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median_deal_size,
       count(cycle_days) AS won_with_cycle,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_days) AS median_cycle_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_days) AS p90_cycle_days
FROM {deals}
WHERE {where} AND status = 'won'
GROUP BY 1
