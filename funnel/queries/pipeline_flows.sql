-- pipeline_flows: where every filtered deal that was open at $a or created in ($a, $b] came from and
-- went to: from_pos = its stage at $a (NULL: created after $a; 0: open at $a, stage unknown),
-- outcome = won / lost (closed in ($a, $b]) or open (still open at $b), to_pos = its stage at $b when
-- open (0: unknown). Count and amount per (from, outcome, to): the waterfall and the stage movements.
-- Close times before the creation time count as the creation time; closed deals without a close
-- date are left out (they cannot be placed in time).
-- The stays carry their deal's status and times: only the stays of deals live in (A, B] are read,
-- once, for the stage at $a and at $b together.
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
pos AS (
    SELECT row_no,
           max(CASE WHEN entered_at <= $a AND (left_at IS NULL OR left_at > $a) THEN position END) AS pos_a,
           max(CASE WHEN entered_at <= $b AND (left_at IS NULL OR left_at > $b) THEN position END) AS pos_b
    FROM {stays}
    WHERE kind = 'open' AND created_at <= $b AND entered_at <= $b AND until_at > $a
      AND (status = 'open' OR (closed_at IS NOT NULL AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $a))
    GROUP BY row_no
),
flows AS (
    SELECT CASE WHEN l.created_at <= $a THEN COALESCE(p.pos_a, 0) END AS from_pos,
           CASE WHEN l.status <> 'open' AND l.closed <= $b THEN l.status ELSE 'open' END AS outcome,
           p.pos_b, l.amount
    FROM live AS l
    LEFT JOIN pos AS p ON p.row_no = l.row_no
)
SELECT from_pos, outcome, CASE WHEN outcome = 'open' THEN COALESCE(pos_b, 0) END AS to_pos,
       count(*) AS deals, sum(amount) AS amount
FROM flows
GROUP BY 1, 2, 3
