-- metrics_group_values: every value of the grouping column in the pipeline, before other filters,
-- so that a segment the filters empty still shows (with zero deals).
-- tables: {deals}; fragments: {group}; values: $pipeline
SELECT DISTINCT {group} AS grp
FROM {deals}
WHERE pipeline = $pipeline
