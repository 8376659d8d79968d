-- metrics_counts_pipelines: aggregate-count pipelines by entrants at their first stage, most first.
-- Entrants are the overall row (grp = '') when there is one, else the sum over the groups.
-- tables: {counts}
SELECT c.pipeline,
       CASE WHEN count(*) FILTER (WHERE c.grp = '') > 0
            THEN sum(c.n) FILTER (WHERE c.grp = '') ELSE sum(c.n) END AS entrants
FROM {counts} AS c
WHERE c.position = (SELECT min(c2.position) FROM {counts} AS c2 WHERE c2.pipeline = c.pipeline)
GROUP BY c.pipeline
ORDER BY entrants DESC, c.pipeline
