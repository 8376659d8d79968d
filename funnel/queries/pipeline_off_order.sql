-- pipeline_off_order: the filtered deals open now at a stage that is no step of the funnel order (a
-- paused status a guessed order leaves out, a stage the given order does not name), without a stage
-- history and created by $as_of: per stage, count and amount. pipeline_snapshot.sql counts them in
-- its bucket of unknown position (NULL); their stage is known, so the page names it
-- (funnel/velocity/pipeline.py). Like every deal without a history, a deal is at its current stage,
-- which is only exact for the latest date (the page says so).
-- No step of the order: a stage the pipeline's stages do not list (metrics_open_off_order.sql's rule).
-- tables: deals, stages; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
SELECT d.stage, CAST(count(*) AS BIGINT) AS open_deals, COALESCE(sum(d.amount), 0) AS amount
FROM {deals} AS d
WHERE {where} AND d.status = 'open' AND d.stage_pos IS NULL AND d.stage IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {stages} AS o WHERE o.pipeline = d.pipeline AND o.stage = d.stage)
  AND (d.created_at IS NULL OR d.created_at <= $as_of)
  AND NOT EXISTS (SELECT 1 FROM {stays} AS h WHERE h.row_no = d.row_no)
GROUP BY d.stage
ORDER BY d.stage
