-- snapshot_compare: two snapshots of the same CRM (the previous dataset and this one) matched by deal
-- id, one row per deal in either: was it open in the previous one, at which stage (by name, placed in
-- this dataset's stage order), its amount there; is it in this one, its status, stage position,
-- amount and close time. The page's filters (pipeline, period, manager, source, ...) narrow both sides
-- alike: a deal of another manager is neither «open then» nor «removed» (session 50: Ann's comparison
-- counted the others' deals as removed). The previous dataset has the filtered columns (snapshots.py checks).
-- tables: deals, stages (this dataset), prev (the previous dataset's deals); fragments: where
WITH a AS (
    SELECT deal_id, stage, status, COALESCE(amount, 0) AS amount FROM {prev} WHERE {where}
),
b AS (
    SELECT deal_id, status, stage_pos, COALESCE(amount, 0) AS amount, closed_at FROM {deals} WHERE {where}
),
sa AS (
    SELECT stage, position FROM {stages} WHERE pipeline = $p_pipeline AND kind = 'open'
)
SELECT COALESCE(b.deal_id, a.deal_id) AS deal_id,
       a.deal_id IS NOT NULL AS in_a, COALESCE(a.status = 'open', FALSE) AS was_open, sa.position AS from_pos,
       a.amount AS amount_a,
       b.deal_id IS NOT NULL AS in_b, b.status AS status_b, b.stage_pos AS to_pos, b.amount AS amount_b,
       b.closed_at
FROM a
FULL OUTER JOIN b ON a.deal_id = b.deal_id
LEFT JOIN sa ON sa.stage = a.stage
