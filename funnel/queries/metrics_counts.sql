-- metrics_counts: the aggregate funnel (input shape E) of one pipeline: n per stage and group.
-- grp = '' is the overall row; when there is none, the overall is the sum over groups (Python).
-- tables: {counts}; values: $pipeline
SELECT stage, position, grp, n
FROM {counts}
WHERE pipeline = $pipeline
ORDER BY position, grp
