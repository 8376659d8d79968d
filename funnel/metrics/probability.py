"""Stage probability P(won | reached stage s) and the key stage (../shared/DOMAIN.md).

**Stage probability** of stage s = won / (won + lost) among *closed* deals that reached s
(furthest position >= s). Open deals are left out: their outcome is not known yet, and counting
them as "not won" would make every young pipeline look worse than it is. Each value comes with a
Wilson 95 % interval and its ``n`` so a page can say when the sample is too small to lean on.

A file that records no lost deal at all (won deals only: a leads file beside a closed-deals file,
Olist's) would give 100 % at every stage, so there the open deals count as not won: P(won | reached
s) = won / all deals that reached s, as its win rate is won / all deals (README).

Lost deals whose file kept no record of where they died count at the first stage (as in the
funnel); ``lost_stage_unknown`` says how many, so a page can say that later stages' probabilities
may be too high.

**Key stage** (seed 002): the intermediate stage with the largest jump in P(won | reached) from the
stage before it: passing it says most about winning. The first stage has no "before" and the won
stage is always 1.0, so both are left out.

Counts come from the same one-pass tally as the stage funnel (``metrics_stage_counts``): no query of
its own. Used by the Pipeline & Forecast page (weighted pipeline) and the diagnostics (leak impact,
``key_stage``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..stats.proportions import Proportion, wilson_interval
from .context import resolve
from .stages import Tally, tallies

# closed deals a stage needs before its rise can make it the key stage: the audit's test minimum
# (funnel/audit/gaps.py MIN_N), so the forecast, the pipeline page and the diagnostics name the same stage
KEY_MIN_N = 30


@dataclass(frozen=True)
class StageProbability:
    stage: str
    position: int
    n: int  # closed deals (won + lost) that reached the stage
    won: int
    p_won: float | None  # won / n; None when n == 0
    ci_low: float | None  # Wilson 95 %
    ci_high: float | None


@dataclass(frozen=True)
class KeyStage:
    stage: str
    previous_stage: str
    p_before: float
    p_at: float

    @property
    def jump(self) -> float:
        return self.p_at - self.p_before


@dataclass(frozen=True)
class StageProbabilities:
    rows: list[StageProbability]
    key: KeyStage | None
    lost_stage_unknown: int  # lost deals counted at stage 1 because their stage is not recorded
    open_as_not_won: bool = False  # no lost deal recorded: open deals count as not won (won / all reached)


def probabilities_from(stages, tally: Tally, everyone: Tally | None = None) -> list[StageProbability]:
    """P(won | reached) per funnel stage from one tally. Positions past the last stage count at it.
    ``everyone``: the tally whose deals (any status) are the denominator, for a file that records no
    lost deal; by default the won and lost deals of ``tally``."""
    if not stages:
        return []
    last = stages[-1]["position"]
    rows = []
    for s in stages:
        k = s["position"]
        won = sum(n for (pos, status), n in tally.n.items() if status == "won" and min(pos, last) >= k)
        if everyone is None:
            n_all = won + sum(n for (pos, status), n in tally.n.items() if status == "lost" and min(pos, last) >= k)
        else:
            n_all = sum(n for (pos, _status), n in everyone.n.items() if min(pos, last) >= k)
        low, high = wilson_interval(Proportion(n_all, won))
        rows.append(StageProbability(stage=s["stage"], position=k, n=n_all, won=won,
                                     p_won=won / n_all if n_all else None, ci_low=low, ci_high=high))
    return rows


def key_stage(rows: list[StageProbability], lost_unknown: int = 0, min_n: int = KEY_MIN_N) -> KeyStage | None:
    """The intermediate stage with the largest rise of P(won | reached) over the stage before it,
    among the stages at least ``min_n`` closed deals reached (a rise measured on four deals named
    «Proposal» the key stage in ``forecast --json`` while the audit, which asks for 30, named none).

    ``lost_unknown`` lost deals sit at the first stage only because their stage is not recorded:
    the rise from the first stage is measured without them (with them, a file whose lost deals all
    lack a stage "rises" from the win rate to 100 % at the second stage)."""
    best: KeyStage | None = None
    for i, (before, here) in enumerate(zip(rows, rows[1:-1], strict=False)):
        p_before = before.p_won
        if i == 0 and lost_unknown and before.n > lost_unknown:
            p_before = before.won / (before.n - lost_unknown)
        if p_before is None or here.p_won is None or here.n < min_n:
            continue
        candidate = KeyStage(here.stage, before.stage, p_before, here.p_won)
        if candidate.jump > 0 and (best is None or candidate.jump > best.jump):
            best = candidate
    return best


def stage_probability(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None) -> StageProbabilities:
    """Stage probabilities of the spec's pipeline and filters (the period filters by created date).

    ``as_of``: only deals closed by then count (what was known that day: the forecast's back-test).
    """
    if info.capabilities.why_not("outcomes"):  # e.g. aggregate counts record no outcomes per deal
        return StageProbabilities([], None, 0)
    ctx = resolve(con, info, spec)
    everyone = None
    if no_lost_recorded(info):  # won / all deals that reached the stage (known by as_of)
        known = ctx if as_of is None else replace(ctx, where=ctx.where.and_(
            "created_at IS NULL OR created_at <= $pr_as_of", {"pr_as_of": as_of}))
        everyone = tallies(con, known).get(None) or Tally()
    if as_of is not None:
        ctx = replace(ctx, where=ctx.where.and_("status <> 'open' AND closed_at <= $pr_as_of", {"pr_as_of": as_of}))
    tally = tallies(con, ctx).get(None) or Tally()
    rows = probabilities_from(ctx.stages, tally, everyone)
    return StageProbabilities(rows, key_stage(rows, tally.lost_unknown), tally.lost_unknown,
                              open_as_not_won=everyone is not None)


def no_lost_recorded(info: DatasetInfo) -> bool:
    """The file marks deals won and never lost: won / closed would read 100 % by construction."""
    caps = info.capabilities
    return caps.has_won and not caps.has_lost and not caps.is_web_funnel
