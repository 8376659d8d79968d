-- audit_lost_reasons: lost deals per (position lost at, manager, reason) of the filtered deals, with
-- how many carry an amount and its sum (the reactivation list needs both).
-- Lost deals whose stage is not recorded count at position 1, as in the funnel.
-- tables: {deals}; fragments: {where}
SELECT CASE WHEN lost_stage_known AND furthest_pos >= 1 THEN furthest_pos ELSE 1 END AS position,
       lost_stage_known AS stage_known,
       manager,
       lost_reason,
       count(*) AS n,
       count(*) FILTER (WHERE amount > 0) AS n_with_amount,
       sum(amount) FILTER (WHERE amount > 0) AS amount
FROM {deals}
WHERE {where} AND status = 'lost'
GROUP BY 1, 2, 3, 4
