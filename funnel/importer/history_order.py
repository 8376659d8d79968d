"""The stage order a stage history shows: which stage deals entered before which.

Each pair of stages a deal entered at two different times is one vote for their order; a stage goes
before another when more deals entered it first (a precedence). The stages are then laid out so
that every precedence holds (a topological order, Kahn's algorithm); where the history says nothing
(stages never entered by one deal at two different times: a history of one row per opportunity, rows
written at one moment by a data load) the CRM's default order decides, else the average step at
which deals first entered the stage, else the number of deals.

A history that also names the stage each move left («value_before», «Old value», «Было») adds each move
as a vote: amoCRM's events log only moves, so the stage a deal was created in is never entered there,
and shows only as the stage its first move left (it goes first, average step 0).

The average step alone (the rule before) reversed stages that deals skip: Pipedrive deals going
1 → 4 → 9 made 9 a "third" stage; and rows sharing one time were ordered by their names.
"""

from __future__ import annotations

import heapq

from ..mapping.stage_names import stage_key
from ..sql import run

HISTORY_ORDER_SAMPLE = 50_000  # deals the stage order is estimated from

# Each sampled deal's first entry into each stage (deals picked by a hash of their id; the modulus is cast
# to the hash's type: an untyped parameter made it HUGEINT arithmetic, ~6x slower); per pipeline and
# stage, its deals and the average step of their first entry (equal times share a step); the pairs of
# stages one deal entered at two different times
_FIRSTS = """CREATE OR REPLACE TEMP TABLE imp_firsts AS
    WITH s AS MATERIALIZED (
        SELECT deal_id, COALESCE(pipeline, '') AS pipeline FROM imp_valid
        WHERE hash(deal_id) % CAST($every AS UBIGINT) = 0)
    SELECT h.deal_id, s.pipeline, h.stage, min(h.entered_at) AS t
    FROM imp_hist h JOIN s ON s.deal_id = h.deal_id
    WHERE hash(h.deal_id) % CAST($every AS UBIGINT) = 0  -- the sample's own test: most rows never reach the join
    GROUP BY 1, 2, 3"""
_STAGES = """SELECT pipeline, stage, count(*), avg(r)
    FROM (SELECT *, rank() OVER (PARTITION BY deal_id ORDER BY t) AS r FROM imp_firsts) AS ranked GROUP BY 1, 2"""
_PAIRS = """SELECT a.pipeline, a.stage, b.stage, count(*)
    FROM imp_firsts a JOIN imp_firsts b ON b.deal_id = a.deal_id AND a.t < b.t
    GROUP BY 1, 2, 3"""


# the moves of a history that names the stage left (history.load_history's imp_hist_from), per pipeline
_FROM_PAIRS = """SELECT COALESCE(v.pipeline, ''), f.stage_from, f.stage_to, count(*)
    FROM imp_hist_from f JOIN imp_valid v ON v.deal_id = f.deal_id
    WHERE f.stage_from IS NOT NULL AND f.stage_to IS NOT NULL AND f.stage_from <> f.stage_to
      AND hash(f.deal_id) % CAST($every AS UBIGINT) = 0  -- the deals the other votes are counted from
    GROUP BY 1, 2, 3"""


def _has_moves_from(con) -> bool:
    return bool(run(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'imp_hist_from' AND temporary")
                .fetchone()[0]) and bool(run(con, "SELECT count(*) FROM imp_hist_from").fetchone()[0])


def history_order(con, default_order: list[str] | None = None) -> dict[str, list[str]]:
    """Per pipeline, its stages in the order the history shows (the module docstring); a pipeline
    whose history shows no precedence at all is left out (the file, the CRM's default or a guess
    order it). ``default_order``: the CRM's default stage order, matched by :func:`stage_key`."""
    n_deals = run(con, "SELECT count(*) FROM imp_valid").fetchone()[0]
    every = max(1, n_deals // HISTORY_ORDER_SAMPLE)
    run(con, _FIRSTS, {"every": every})
    stages: dict[str, dict[str, tuple[int, float]]] = {}
    for pipeline, stage, deals, avg_step in run(con, _STAGES).fetchall():
        stages.setdefault(pipeline, {})[stage] = (deals, avg_step)
    votes: dict[str, dict[tuple[str, str], int]] = {}
    for pipeline, a, b, n in run(con, _PAIRS).fetchall():
        votes.setdefault(pipeline, {})[(a, b)] = n
    run(con, "DROP TABLE imp_firsts")
    if _has_moves_from(con):  # each move from one stage to another is one vote more
        for pipeline, a, b, n in run(con, _FROM_PAIRS, {"every": every}).fetchall():
            pairs = votes.setdefault(pipeline, {})
            pairs[(a, b)] = pairs.get((a, b), 0) + n
            known = stages.setdefault(pipeline, {})
            if a not in known:  # left but never entered in the history: the stage the deals were created in
                known[a] = (n, 0.0)
    default = {stage_key(s): k for k, s in enumerate(default_order or [])}
    out = {}
    for pipeline, known in stages.items():
        pairs = votes.get(pipeline, {})
        before = {(a, b) for (a, b), n in pairs.items() if n > pairs.get((b, a), 0)}
        if before:
            out[pipeline] = _lay_out(known, before, default)
    return out


def _lay_out(stages: dict[str, tuple[int, float]], before: set[tuple[str, str]],
             default: dict[str, int]) -> list[str]:
    """``stages`` in an order where each (a, b) of ``before`` has a first; among the stages free to go
    next, the CRM's default order, then the average first step, then most deals, then the name. A
    cycle of precedences (deals that went back and forth) is broken at its stage that comes first by
    those same keys."""
    def key(stage: str) -> tuple:
        deals, avg_step = stages[stage]
        return default.get(stage_key(stage), len(default)), avg_step, -deals, stage

    preds: dict[str, set[str]] = {s: set() for s in stages}
    for a, b in before:
        preds[b].add(a)
    ready = [key(s) for s, p in preds.items() if not p]
    heapq.heapify(ready)
    order: list[str] = []
    left = set(stages)
    while left:
        if not ready:  # a cycle: take the best-placed stage left
            heapq.heappush(ready, min(key(s) for s in left))
        stage = heapq.heappop(ready)[-1]
        if stage not in left:
            continue
        order.append(stage)
        left.discard(stage)
        for s in left:
            if stage in preds[s]:
                preds[s].discard(stage)
                if not preds[s]:
                    heapq.heappush(ready, key(s))
    return order
