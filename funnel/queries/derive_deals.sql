-- derive_deals: the per-deal funnel facts of a dataset attached from a warehouse, computed on
-- the warehouse's engine by the importer's rules (funnel/importer/derive.py, DOMAIN.md): a deal
-- reached stage k when its furthest position >= k; the furthest position is the largest of its
-- history's positions and its current open stage's; a won deal reached every stage; a lost deal
-- with neither is counted at stage 1 with lost_stage_known FALSE. cycle_days = closed - created (in
-- calendar days when the close is a day and the creation has its time).
-- The source deals are in the canonical layout with status already open / won / lost.
-- tables: {source_deals}, {events} (derived), {stages}; fragments: {row_no} (the source's row_no
-- column, or row_number() by deal id), {extras} (", v.x_..." for kept attribute columns)
WITH hist AS (
    SELECT deal_id, max(position) AS hist_pos FROM {events} GROUP BY deal_id
),
last_pos AS (
    SELECT pipeline, max(position) AS n FROM {stages} GROUP BY pipeline
),
base AS (
    SELECT v.deal_id, v.deal_name, v.created_at, v.closed_at, v.stage, v.status, v.amount, v.currency,
           v.manager, v.source, v.variant, v.lost_reason{extras}, COALESCE(v.pipeline, '') AS pl, s.position AS stage_pos_raw, s.kind AS stage_kind,
           h.hist_pos, lp.n AS last_position, {row_no} AS row_no_final
    FROM {source_deals} AS v
    LEFT JOIN {stages} AS s ON s.pipeline = COALESCE(v.pipeline, '') AND s.stage = v.stage
    LEFT JOIN hist AS h ON h.deal_id = v.deal_id
    LEFT JOIN last_pos AS lp ON lp.pipeline = COALESCE(v.pipeline, '')
),
pos AS (
    SELECT *, CASE
        WHEN status = 'won' THEN last_position
        ELSE greatest(COALESCE(hist_pos, 0), CASE WHEN stage_kind = 'open' THEN COALESCE(stage_pos_raw, 0) ELSE 0 END)
      END AS reached
    FROM base
)
SELECT deal_id, deal_name, created_at, closed_at, stage, status, amount, currency, manager, source, variant,
       pl AS pipeline, lost_reason,
       stage_pos_raw AS stage_pos,
       CASE WHEN reached > 0 THEN reached ELSE 1 END AS furthest_pos,
       CASE WHEN status = 'lost' THEN (CASE WHEN reached > 0 THEN reached ELSE 1 END) END AS lost_pos,
       CASE WHEN status = 'lost' THEN reached > 0 END AS lost_stage_known,
       -- a deal closed before it was created has no cycle (not a negative one); a close known only to its
       -- day (at midnight) beside a creation with its time counts calendar days (funnel/importer/derive.py)
       CASE WHEN closed_at >= created_at AND closed_at = date_trunc('day', closed_at)
                 AND created_at <> date_trunc('day', created_at)
            THEN CAST(date_diff('day', CAST(created_at AS DATE), CAST(closed_at AS DATE)) AS DOUBLE)
            WHEN closed_at >= created_at
            THEN date_diff('second', created_at, closed_at) / 86400.0 END AS cycle_days,
       row_no_final AS row_no{extras}
FROM pos AS v
