-- forecast_won_between: the amount the filtered deals won in [$start, $end], or in each of several
-- intervals at once ({amounts}: one sum per interval [$s0, $e0], [$s1, $e1], ... inside
-- [$start, $end]; the back-test's months read in one pass). Both ends are in: a month runs from its
-- first instant (00:00 on the 1st, where a close date without a time of day sits) to its last.
-- tables: deals; fragments: where, amounts
SELECT {amounts}
FROM {deals}
WHERE {where} AND status = 'won' AND closed_at >= $start AND closed_at <= $end
