-- pipeline_weekly: open deals and amount per funnel stage at the end of every week up to $as_of,
-- from the stays of the filtered deals: a stay adds its deal in the week it starts and removes it in
-- the week it ends; the running sum per stage is what the stage held at the week's end (Sunday
-- 24:00; the last week: at $as_of). Weeks where a stage did not change are absent (carried forward
-- by the caller). Closed deals whose last stay has no end are left out.
-- tables: none; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays)
WITH s AS (
    SELECT s.position, s.entered_at, s.left_at, COALESCE(s.amount, 0) AS amount
    FROM {stays} AS s
    WHERE s.kind = 'open' AND s.entered_at <= $as_of AND NOT (s.left_at IS NULL AND s.status <> 'open')
),
deltas AS (
    SELECT position, date_trunc('week', entered_at) AS week, 1 AS dn, amount AS da FROM s
    UNION ALL
    SELECT position, date_trunc('week', left_at), -1, -amount FROM s WHERE left_at <= $as_of
),
weekly AS (
    SELECT position, week, sum(dn) AS dn, sum(da) AS da FROM deltas GROUP BY position, week
)
SELECT position, week,
       sum(dn) OVER (PARTITION BY position ORDER BY week ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS open_deals,
       sum(da) OVER (PARTITION BY position ORDER BY week ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS amount
FROM weekly
ORDER BY week, position
