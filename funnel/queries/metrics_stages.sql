-- metrics_stages: the stages of one pipeline in funnel order (lost stages, position NULL, last).
-- tables: {stages}; values: $pipeline
SELECT stage, position, kind
FROM {stages}
WHERE pipeline = $pipeline
ORDER BY position NULLS LAST, stage
