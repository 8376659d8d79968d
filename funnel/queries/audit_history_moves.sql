-- audit_history_moves: the deals whose stage history holds a backward move or a skipped stage, the
-- import's data-quality counts (funnel/importer/derive.py) deal by deal: over the entries of known
-- stages in time order (ties by position), each entry against the one before it.
-- {move} is "position < prev_pos" (a backward move) or "position > prev_pos + 1" (a skipped stage).
-- tables: {events}; fragments: {move}
SELECT deal_id
FROM (
    SELECT deal_id, position,
           lag(position) OVER (PARTITION BY deal_id ORDER BY entered_at, position) AS prev_pos
    FROM {events}
    WHERE position IS NOT NULL
) AS m
WHERE {move}
GROUP BY deal_id
