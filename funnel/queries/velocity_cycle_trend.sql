-- velocity_cycle_trend: per created month, the won deals' cycle (median, p90, n) among deals won
-- by $as_of, and how many of the month's deals were still open at $as_of.
-- tables: deals; fragments: where, month (the created-month expression)
SELECT {month} AS month,
       count(*) AS deals,
       count(*) FILTER (WHERE status = 'won' AND closed_at <= $as_of) AS won,
       count(*) FILTER (WHERE status = 'open' OR closed_at > $as_of) AS open_at,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_days) FILTER (WHERE status = 'won' AND closed_at <= $as_of) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_days) FILTER (WHERE status = 'won' AND closed_at <= $as_of) AS p90_days
FROM {deals}
WHERE {where} AND created_at <= $as_of
GROUP BY 1
ORDER BY 1
