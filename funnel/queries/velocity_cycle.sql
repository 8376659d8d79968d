-- velocity_cycle: sales cycle (created -> closed, days) of the filtered deals closed by $as_of, per
-- outcome (won / lost): n, percentiles (percentile_cont, R's type 7), mean and the longest cycle.
-- tables: deals; fragments: where
SELECT status,
       count(cycle_days) AS n,
       percentile_cont(0.1) WITHIN GROUP (ORDER BY cycle_days) AS p10_days,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY cycle_days) AS p25_days,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_days) AS median_days,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY cycle_days) AS p75_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_days) AS p90_days,
       avg(cycle_days) AS mean_days,
       max(cycle_days) AS max_days
FROM {deals}
WHERE {where} AND status IN ('won', 'lost') AND closed_at <= $as_of AND cycle_days IS NOT NULL
GROUP BY status
