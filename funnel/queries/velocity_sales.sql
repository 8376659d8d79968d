-- velocity_sales: the four factors of sales velocity for the window ($start, $end] of the filtered
-- deals: deals open at $end; won and lost deals closed in the window; the won deals' mean amount
-- and mean cycle (days).
-- tables: deals; fragments: where
SELECT count(*) FILTER (WHERE (created_at IS NULL OR created_at <= $end)
                          AND (status = 'open' OR closed_at > $end)) AS open_deals,
       count(*) FILTER (WHERE status = 'won' AND closed_at > $start AND closed_at <= $end) AS won,
       count(*) FILTER (WHERE status = 'lost' AND closed_at > $start AND closed_at <= $end) AS lost,
       avg(amount) FILTER (WHERE status = 'won' AND closed_at > $start AND closed_at <= $end) AS avg_deal_size,
       avg(cycle_days) FILTER (WHERE status = 'won' AND closed_at > $start AND closed_at <= $end) AS avg_cycle_days
FROM {deals}
WHERE {where}
