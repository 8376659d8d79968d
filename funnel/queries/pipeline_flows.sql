-- pipeline_flows: where every filtered deal that was open at $a or created in ($a, $b] came from and
-- went to: from_pos = its stage at $a (NULL: created after $a; 0: open at $a, stage unknown),
-- outcome = won / lost (closed in ($a, $b]) or open (still open at $b), to_pos = its stage at $b when
-- open (0: unknown). Count and amount per (from, outcome, to): the waterfall and the stage movements.
-- Close times before the creation time count as the creation time; closed deals without a close
-- date are left out (they cannot be placed in time). A deal without a creation date was created
-- before any date (open at $a unless closed by then). For a deal created by $b that rule reads as
-- plain comparisons: closed in ($a, $b] = closed_at <= $b and (closed_at > $a or created after $a).
-- Without joining deals to stays: every live deal is first counted with unknown stages (from the
-- deals, grouped at once), then the deals with a stay covering $a or $b (from the stays alone,
-- which carry their deal's status, times and amount) move from that key to their real one (minus,
-- then plus). A stay covers T when entered_at <= T < until_at, at most one per deal: most deals
-- sit in one stay covering both dates, which alone gives both stages; only the deals whose stay
-- covering one date does not cover the other (few) are grouped on their integer row_no, instead
-- of grouping every deal's stays. Amounts are summed as DECIMAL so the differences are exact;
-- until_at > $a reads only the blocks that reach $a.
-- tables: deals; fragments: stays (the filtered deals' stays: funnel/velocity/stays.py deal_stays), where
WITH live AS (
    SELECT CASE WHEN created_at IS NULL OR created_at <= $a THEN 0 END AS from_pos,
           CASE WHEN status <> 'open' AND closed_at <= $b THEN status ELSE 'open' END AS outcome,
           CAST(count(*) AS BIGINT) AS n, sum(CAST(COALESCE(amount, 0) AS DECIMAL(38, 6))) AS amt
    FROM {deals}
    WHERE {where} AND (created_at IS NULL OR created_at <= $b)
      AND (status = 'open' OR closed_at > $a OR (closed_at IS NOT NULL AND created_at > $a))
    GROUP BY 1, 2
),
cov AS (
    -- the deal's facts on each stay covering $a or $b: started = open at $a (created by then),
    -- closed = 1 won / 2 lost in ($a, $b], 0 still open at $b
    SELECT row_no, position, entered_at, until_at, CASE WHEN created_at IS NULL OR created_at <= $a THEN 1 ELSE 0 END AS started,
           CASE WHEN status <> 'open' AND closed_at <= $b THEN (CASE WHEN status = 'won' THEN 1 ELSE 2 END) ELSE 0 END
               AS closed,
           COALESCE(amount, 0) AS amount
    FROM {stays}
    WHERE kind = 'open' AND entered_at <= $b AND until_at > $a AND (created_at IS NULL OR created_at <= $b)
      AND ((entered_at <= $a AND until_at > $a) OR until_at > $b)
      AND (status = 'open' OR closed_at > $a OR (closed_at IS NOT NULL AND created_at > $a))
),
pairs AS (
    SELECT started, closed, position AS pos_a, position AS pos_b, amount
    FROM cov WHERE entered_at <= $a AND until_at > $b
    UNION ALL
    SELECT max(started), max(closed), max(CASE WHEN entered_at <= $a THEN position END),
           max(CASE WHEN until_at > $b THEN position END), max(amount)
    FROM cov WHERE entered_at > $a OR until_at <= $b
    GROUP BY row_no
),
moved AS (
    SELECT started, CASE closed WHEN 0 THEN 'open' WHEN 1 THEN 'won' ELSE 'lost' END AS outcome, pos_a, pos_b,
           CAST(count(*) AS BIGINT) AS n, sum(CAST(amount AS DECIMAL(38, 6))) AS amt
    FROM pairs
    GROUP BY started, closed, pos_a, pos_b
),
parts AS (
    SELECT from_pos, outcome, CASE WHEN outcome = 'open' THEN 0 END AS to_pos, n, amt FROM live
    UNION ALL
    SELECT CASE WHEN started = 1 THEN 0 END, outcome, CASE WHEN outcome = 'open' THEN 0 END, -n, -amt FROM moved
    UNION ALL
    SELECT CASE WHEN started = 1 THEN COALESCE(pos_a, 0) END, outcome,
           CASE WHEN outcome = 'open' THEN COALESCE(pos_b, 0) END, n, amt FROM moved
)
SELECT from_pos, outcome, to_pos, sum(n) AS deals, CAST(sum(amt) AS DOUBLE) AS amount
FROM parts
GROUP BY from_pos, outcome, to_pos
HAVING sum(n) <> 0
ORDER BY 1, 2, 3
