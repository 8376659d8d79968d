-- audit_spend_elsewhere: leads (deals created) per source, pipeline and created month in the pipelines
-- other than the one shown: a spend's cost per lead leaves them out, the spend report says how many.
-- tables: {deals}; fragments: {where}
SELECT source,
       pipeline,
       date_trunc('month', created_at) AS month,
       count(*) AS leads
FROM {deals}
WHERE {where} AND created_at IS NOT NULL AND source IS NOT NULL
GROUP BY 1, 2, 3
