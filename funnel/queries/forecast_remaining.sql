-- forecast_remaining: for the filtered deals closed (won or lost) by $as_of, per open funnel stage
-- they sat in: how long that stay lasted (stay_days) and the days from entering the stage to closing
-- (remaining_days); and from creation to closing (position 0, where the stay is that whole time):
-- the reference deals of the forecast (an open deal is compared with the deals that stayed in its
-- stage at least as long as it has). The deal's first stay in the stage (first_visit), when it
-- began by the close. Position 0 only when $from_created (some open deal has no history).
-- Grouped, with how many deals share each row (n), so a page reads one row per distinct duration
-- instead of millions: won = TRUE / FALSE (lost), the stage position, closed_by = the first of the
-- caller's as-of times ($c0 <= $c1 <= ..., the back-test's months; $as_of is the last) the deal had
-- closed by ({closed_by} is the CASE over them), the stay, and the remaining days for won deals only
-- (lost ones are only counted by their stay).
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where, closed_by
WITH r AS (
    SELECT s.status = 'won' AS won, s.position, s.stay_days, s.closed_at,
           (EXTRACT(EPOCH FROM s.closed_at) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 AS remaining_days
    FROM {stays} AS s
    WHERE s.status IN ('won', 'lost') AND s.closed_at <= $as_of
      AND s.kind = 'open' AND s.first_visit AND s.entered_at <= s.closed_at
    UNION ALL
    SELECT status = 'won', 0, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0, closed_at,
           (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0
    FROM {deals}
    WHERE $from_created AND {where} AND status IN ('won', 'lost') AND closed_at <= $as_of
      AND created_at IS NOT NULL AND closed_at >= created_at
),
k AS (
    SELECT won, position, {closed_by} AS closed_by, stay_days,
           CASE WHEN won THEN remaining_days END AS remaining_days
    FROM r
)
SELECT won, position, closed_by, stay_days, remaining_days, CAST(count(*) AS BIGINT) AS n
FROM k
GROUP BY won, position, closed_by, stay_days, remaining_days
