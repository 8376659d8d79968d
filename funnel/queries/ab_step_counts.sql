-- ab_step_counts: deals per (group value, furthest funnel position) of the filtered deals, with the
-- sufficient statistics of revenue per lead: won deals with an amount, sum and sum of squares of
-- their amounts, and the smallest / largest currency among them (two differ = mixed currencies).
-- One pass over deals; Python cumulates the positions into "reached stage k" per group
-- (funnel/ab_dataset.py). A deal with no known position counts at stage 1 (it entered).
-- tables: {deals}; fragments: {group} (a checked, quoted column), {where} (funnel/metrics/filters.py)
SELECT {group} AS grp,
       CASE WHEN furthest_pos IS NULL OR furthest_pos < 1 THEN 1 ELSE furthest_pos END AS pos,
       count(*) AS n,
       count(amount) FILTER (WHERE status = 'won') AS won_with_amount,
       sum(amount) FILTER (WHERE status = 'won') AS won_sum,
       sum(amount * amount) FILTER (WHERE status = 'won') AS won_sumsq,
       min(currency) FILTER (WHERE status = 'won') AS won_currency_min,
       max(currency) FILTER (WHERE status = 'won') AS won_currency_max
FROM {deals}
WHERE {where}
GROUP BY 1, 2
ORDER BY 1, 2
