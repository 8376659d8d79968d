-- audit_quality_counts: the import's data-quality findings of one dataset, counted per code.
-- For the history's backward moves and skipped stages, n counts the moves and detail holds how
-- many deals made them (funnel/importer/derive.py); other codes leave detail free text.
-- tables: {quality}
SELECT code, sum(coalesce(n, 1)) AS n, max(detail) AS detail
FROM {quality}
GROUP BY code
