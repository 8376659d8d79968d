-- audit_history_move_counts: the history's backward moves and skipped stages among the filtered deals (the
-- pipeline and filters the audit looks at), as the import counts them file-wide (funnel/importer/derive.py) and
-- as audit_history_moves lists them deal by deal: over the entries of known stages in time order (ties by
-- position), each entry against the one before it. back_moves = entries below the one before; skipped = stages
-- jumped over; *_deals = the deals that made them. (The import's file-wide counts put another pipeline's moves on
-- every pipeline's card, whose deal list then showed none.)
-- tables: {deals}, {events}; fragments: {where}
SELECT count(*) FILTER (WHERE position < prev_pos) AS back_moves,
       count(DISTINCT deal_id) FILTER (WHERE position < prev_pos) AS back_deals,
       coalesce(sum(position - prev_pos - 1) FILTER (WHERE position > prev_pos + 1), 0) AS skipped,
       count(DISTINCT deal_id) FILTER (WHERE position > prev_pos + 1) AS skipped_deals
FROM (
    SELECT deal_id, position,
           lag(position) OVER (PARTITION BY deal_id ORDER BY entered_at, position) AS prev_pos
    FROM {events}
    WHERE position IS NOT NULL AND deal_id IN (SELECT deal_id FROM {deals} WHERE {where})
) AS m
