-- audit_spend_leads: leads (deals created), won deals and their revenue per source and created month
-- of the filtered deals: what a spend file's cost is divided by (cost per lead, CAC, ROMI); the won deals
-- without an amount and the currencies of those with one say when their revenue is not known.
-- tables: {deals}; fragments: {where}
SELECT source,
       date_trunc('month', created_at) AS month,
       count(*) AS leads,
       count(*) FILTER (WHERE status = 'won') AS won,
       sum(amount) FILTER (WHERE status = 'won') AS revenue,
       count(*) FILTER (WHERE status = 'won' AND amount IS NULL) AS won_no_amount,
       list(DISTINCT currency) FILTER (WHERE status = 'won' AND amount IS NOT NULL AND currency IS NOT NULL)
           AS currencies
FROM {deals}
WHERE {where} AND created_at IS NOT NULL
GROUP BY 1, 2
