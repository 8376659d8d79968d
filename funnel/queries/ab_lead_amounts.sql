-- ab_lead_amounts: revenue per lead, one value per filtered deal of the compared groups: the won
-- amount (0 for a deal not won, or won without an amount). Read only for moderate group sizes, for
-- the rank test and the bootstrap, which need the values themselves (funnel/ab_dataset.py).
-- Ordered (the bootstrap resamples by position: same rows, same order, same result on any engine)
-- and capped in the query: {limit} is LIMIT (cap + 1), so "more than the cap" is known without
-- fetching every lead.
-- tables: {deals}; fragments: {group} (a checked, quoted column), {where} (funnel/metrics/filters.py),
-- {limit}
SELECT {group} AS grp,
       CASE WHEN status = 'won' THEN COALESCE(amount, 0) ELSE 0 END AS revenue
FROM {deals}
WHERE {where} AND {group} IS NOT NULL
ORDER BY grp, row_no
{limit}
