-- derive_events: the canonical events of a dataset attached from a warehouse, from its stage
-- history (deal_id, stage, entered_at): only known deals, runs of one stage collapsed (as the
-- importer does, funnel/importer/derive.py), the position looked up in the stages table.
-- Entries at the same instant are taken in stage order (a file would give its row order).
-- tables: {source_events}, {source_deals}, {stages}
SELECT deal_id, pipeline, stage, position, entered_at
FROM (
    SELECT h.deal_id, v.pipeline, h.stage, s.position, h.entered_at,
           lag(h.stage) OVER (PARTITION BY h.deal_id ORDER BY h.entered_at, h.stage) AS prev
    FROM {source_events} AS h
    JOIN (SELECT deal_id, COALESCE(pipeline, '') AS pipeline FROM {source_deals}) AS v ON v.deal_id = h.deal_id
    LEFT JOIN {stages} AS s ON s.pipeline = v.pipeline AND s.stage = h.stage
    WHERE h.entered_at IS NOT NULL
) AS r
WHERE prev IS NULL OR prev <> stage
