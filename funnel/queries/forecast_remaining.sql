-- forecast_remaining: for the filtered deals closed (won or lost) by $as_of, per open funnel stage
-- they sat in: how long that stay lasted (stay_days) and the days from entering the stage to closing
-- (remaining_days); and from creation to closing (position 0, where the stay is that whole time):
-- the reference deals of the forecast (an open deal is compared with the deals that stayed in its
-- stage at least as long as it has). The deal's first stay in the stage (first_visit), when it
-- began by the close. Position 0 only when $from_created (some open deal has no history).
-- Ordered by status, position and stay: the caller splits the runs without sorting again.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
SELECT s.status, s.position, s.stay_days,
       (EXTRACT(EPOCH FROM s.closed_at) - EXTRACT(EPOCH FROM s.entered_at)) / 86400.0 AS remaining_days
FROM {stays} AS s
WHERE s.status IN ('won', 'lost') AND s.closed_at <= $as_of
  AND s.kind = 'open' AND s.first_visit AND s.entered_at <= s.closed_at
UNION ALL
SELECT status, 0, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0,
       (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0
FROM {deals}
WHERE $from_created AND {where} AND status IN ('won', 'lost') AND closed_at <= $as_of
  AND created_at IS NOT NULL AND closed_at >= created_at
ORDER BY 1, 2, 3
