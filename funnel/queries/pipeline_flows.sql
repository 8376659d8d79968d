-- pipeline_flows: where every filtered deal that was open at $a or created in ($a, $b] came from and
-- went to: from_pos = its stage at $a (NULL: created after $a; 0: open at $a, stage unknown),
-- outcome = won / lost (closed in ($a, $b]) or open (still open at $b), to_pos = its stage at $b when
-- open (0: unknown). Count and amount per (from, outcome, to): the waterfall and the stage movements.
-- Close times before the creation time count as the creation time; closed deals without a close
-- date are left out (they cannot be placed in time).
-- Without joining deals to stays: every live deal is first counted with unknown stages (from the
-- deals), then the deals with a stay covering $a or $b (from the stays alone, which carry their
-- deal's status, times and amount) move from that key to their real one (minus, then plus).
-- Amounts are summed as DECIMAL so the differences are exact; until_at > $a reads only the blocks
-- that reach $a.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
WITH live AS (
    SELECT CASE WHEN created_at <= $a THEN 0 END AS from_pos,
           CASE WHEN status <> 'open' AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END <= $b
                THEN status ELSE 'open' END AS outcome,
           CAST(COALESCE(amount, 0) AS DECIMAL(38, 6)) AS amt
    FROM {deals}
    WHERE {where} AND created_at <= $b AND (status = 'open' OR closed_at IS NOT NULL)
      AND (status = 'open' OR CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $a)
),
pos AS (
    SELECT row_no, created_at, status, closed_at, amount,
           max(CASE WHEN entered_at <= $a AND until_at > $a THEN position END) AS pos_a,
           max(CASE WHEN entered_at <= $b AND until_at > $b THEN position END) AS pos_b
    FROM {stays}
    WHERE kind = 'open' AND entered_at <= $b AND until_at > $a
      AND created_at <= $b AND (status = 'open' OR closed_at IS NOT NULL)
      AND (status = 'open' OR CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END > $a)
    GROUP BY row_no, created_at, status, closed_at, amount
),
moved AS (
    SELECT created_at <= $a AS started,
           CASE WHEN status <> 'open' AND CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END <= $b
                THEN status ELSE 'open' END AS outcome,
           pos_a, pos_b, CAST(COALESCE(amount, 0) AS DECIMAL(38, 6)) AS amt
    FROM pos
),
parts AS (
    SELECT from_pos, outcome, CASE WHEN outcome = 'open' THEN 0 END AS to_pos, 1 AS n, amt FROM live
    UNION ALL
    SELECT CASE WHEN started THEN 0 END, outcome, CASE WHEN outcome = 'open' THEN 0 END, -1, -amt FROM moved
    UNION ALL
    SELECT CASE WHEN started THEN COALESCE(pos_a, 0) END, outcome,
           CASE WHEN outcome = 'open' THEN COALESCE(pos_b, 0) END, 1, amt FROM moved
)
SELECT from_pos, outcome, to_pos, sum(n) AS deals, CAST(sum(amt) AS DOUBLE) AS amount
FROM parts
GROUP BY from_pos, outcome, to_pos
HAVING sum(n) <> 0
ORDER BY 1, 2, 3
