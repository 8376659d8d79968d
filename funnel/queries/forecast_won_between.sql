-- forecast_won_between: the amount the filtered deals won in ($start, $end], or in each of several
-- intervals at once ({amounts}: one sum per interval ($s0, $e0], ($s1, $e1], ... inside
-- ($start, $end]; the back-test's months read in one pass).
-- tables: deals; fragments: where, amounts
SELECT {amounts}
FROM {deals}
WHERE {where} AND status = 'won' AND closed_at > $start AND closed_at <= $end
