-- pipeline_flows: where every filtered deal that was open at $a or created in ($a, $b] came from and
-- went to: from_pos = its stage at $a (NULL: created after $a; 0: open at $a, stage unknown),
-- outcome = won / lost (closed in ($a, $b]) or open (still open at $b), to_pos = its stage at $b when
-- open (0: unknown). Count and amount per (from, outcome, to): the waterfall and the stage movements.
-- Close times before the creation time count as the creation time; closed deals without a close
-- date are left out (they cannot be placed in time).
-- tables: deals; fragments: stays, where
WITH d AS (
    SELECT row_no, created_at, status, COALESCE(amount, 0) AS amount,
           CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END AS closed
    FROM {deals}
    WHERE {where} AND created_at <= $b AND (status = 'open' OR closed_at IS NOT NULL)
),
live AS (
    SELECT * FROM d WHERE status = 'open' OR closed > $a
),
pa AS (
    SELECT row_no, position FROM {stays}
    WHERE kind = 'open' AND entered_at <= $a AND (left_at IS NULL OR left_at > $a)
),
pb AS (
    SELECT row_no, position FROM {stays}
    WHERE kind = 'open' AND entered_at <= $b AND (left_at IS NULL OR left_at > $b)
),
flows AS (
    SELECT CASE WHEN l.created_at <= $a THEN COALESCE(pa.position, 0) END AS from_pos,
           CASE WHEN l.status <> 'open' AND l.closed <= $b THEN l.status ELSE 'open' END AS outcome,
           pb.position AS pos_b, l.amount
    FROM live AS l
    LEFT JOIN pa ON pa.row_no = l.row_no
    LEFT JOIN pb ON pb.row_no = l.row_no
)
SELECT from_pos, outcome, CASE WHEN outcome = 'open' THEN COALESCE(pos_b, 0) END AS to_pos,
       count(*) AS deals, sum(amount) AS amount
FROM flows
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
