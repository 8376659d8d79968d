-- audit_amount_bands: quartile edges of the deal amount over the filtered deals with an amount > 0
-- (the drivers' amount bands). tables: {deals}; fragments: {where}
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY amount),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY amount),
       percentile_cont(0.75) WITHIN GROUP (ORDER BY amount),
       count(amount)
FROM {deals}
WHERE {where} AND amount > 0
