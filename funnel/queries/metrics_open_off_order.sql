-- metrics_open_off_order: the filtered deals open now at a stage that is no step of the funnel order (a paused
-- status a guessed order leaves out, a stage the given order does not name), per group, the position they count
-- at (their furthest: the first step without a history) and that stage. They are among that step's «still open»
-- (metrics_stage_counts), which the Overview's drop-off sentence then says (funnel/metrics/stages.py).
-- A separate query, like metrics_lost_unknown: the filter keeps a few rows early.
-- No step of the order: a stage the pipeline's stages do not list (not merely no position: a lost stage has none);
-- such a stage has no position, so ``stage_pos IS NULL`` first keeps the scan to a few rows (at 1M deals the
-- anti-join alone cost the Overview 0.028 -> 0.050 s, bench_metrics).
-- tables: {deals}, {stages}; fragments: {group_by} (GROUP BY over grp and the other keys; see
-- funnel/metrics/context.group_by), {group}, {where}
SELECT {group} AS grp, furthest_pos AS pos, stage, count(*) AS n
FROM {deals} AS d
WHERE {where} AND status = 'open' AND stage_pos IS NULL AND stage IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {stages} AS o WHERE o.pipeline = d.pipeline AND o.stage = d.stage)
{group_by}
