-- forecast_remaining: for the filtered deals closed (won or lost) by $as_of, the days from first
-- entering each open funnel stage to closing (status, position, remaining_days), and from creation
-- to closing (position 0): the remaining-time distributions of the forecast.
-- tables: deals; fragments: stays, where
WITH w AS (
    SELECT row_no, status, created_at, closed_at FROM {deals}
    WHERE {where} AND status IN ('won', 'lost') AND closed_at <= $as_of
)
SELECT w.status, s.position,
       (EXTRACT(EPOCH FROM w.closed_at) - EXTRACT(EPOCH FROM min(s.entered_at))) / 86400.0 AS remaining_days
FROM {stays} AS s JOIN w ON w.row_no = s.row_no
WHERE s.kind = 'open' AND s.entered_at <= w.closed_at
GROUP BY s.row_no, w.status, s.position, w.closed_at
UNION ALL
SELECT status, 0, (EXTRACT(EPOCH FROM closed_at) - EXTRACT(EPOCH FROM created_at)) / 86400.0
FROM w WHERE created_at IS NOT NULL AND closed_at >= created_at
ORDER BY 1, 2, 3
