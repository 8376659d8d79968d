-- audit_quality_counts: the import's data-quality findings of one dataset, counted per code.
-- tables: {quality}
SELECT code, sum(coalesce(n, 1)) AS n
FROM {quality}
GROUP BY code
