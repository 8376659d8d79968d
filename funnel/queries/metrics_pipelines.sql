-- metrics_pipelines: deals per pipeline, most first; the first row is the default pipeline.
-- tables: {deals}
SELECT pipeline, count(*) AS n
FROM {deals}
GROUP BY pipeline
ORDER BY n DESC, pipeline
