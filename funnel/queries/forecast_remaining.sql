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
-- (lost ones are only counted by their stay). Won and lost stays are grouped apart (the lost ones by
-- their stay alone): fewer keys per row than one grouping of both.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where, closed_by
SELECT TRUE AS won, position, {closed_by} AS closed_by, stay_days,
       (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM entered_at)) / 86400.0 AS remaining_days,
       CAST(count(*) AS BIGINT) AS n
FROM {stays}
WHERE status = 'won' AND closed_at <= $as_of AND kind = 'open' AND first_visit AND entered_at <= closed_at
GROUP BY position, {closed_by}, stay_days, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM entered_at)) / 86400.0
UNION ALL
SELECT FALSE, position, {closed_by}, stay_days, NULL, CAST(count(*) AS BIGINT)
FROM {stays}
WHERE status = 'lost' AND closed_at <= $as_of AND kind = 'open' AND first_visit AND entered_at <= closed_at
GROUP BY position, {closed_by}, stay_days
UNION ALL
SELECT status = 'won', 0, {closed_by}, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0,
       CASE WHEN status = 'won' THEN (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0 END,
       CAST(count(*) AS BIGINT)
FROM {deals}
WHERE $from_created AND {where} AND status IN ('won', 'lost') AND closed_at <= $as_of
  AND created_at IS NOT NULL AND closed_at >= created_at
GROUP BY status, {closed_by}, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0
