-- forecast_won_between: count and amount of the filtered deals won in ($start, $end].
-- tables: deals; fragments: where
SELECT count(*) AS won, COALESCE(sum(amount), 0) AS amount
FROM {deals}
WHERE {where} AND status = 'won' AND closed_at > $start AND closed_at <= $end
