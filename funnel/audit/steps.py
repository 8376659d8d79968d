"""Step counts for the audit: per step k -> k+1, the deals that entered step k and have left it.

A step's ``n`` counts deals that reached stage k and are no longer open at k (they moved on or were
lost there); deals still open at k have not decided yet and are left out, so a young pipeline does
not look like a leak (sample_data/README.md uses the same rule). ``passed`` counts deals that
reached k+1. Both come from the funnel's one-pass tally (``metrics_stage_counts``).

A lost deal whose file keeps no record of where it died (HubSpot's ``closedlost``, a status column
without a stage) is counted at the first stage by the funnel; the audit leaves it out of every step
instead: charging all of them to the first step made a first-step "leak" of the file's whole loss
(and every later step converted 100 %), a finding the data cannot support.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metrics.stages import StageRow


@dataclass(frozen=True)
class StepCount:
    index: int  # 0-based step number: stages[index] -> stages[index + 1]
    stage: str
    stage_to: str
    position: int  # funnel position of ``stage``
    n: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.n if self.n else None


def step_counts(rows: list[StageRow], lost_unknown: int | None = 0) -> list[StepCount]:
    """The decided step counts of one funnel (its :class:`StageRow` list); ``lost_unknown``: its lost
    deals with no recorded stage, left out of the first step."""
    out = []
    for i, (here, nxt) in enumerate(zip(rows, rows[1:], strict=False)):
        n = here.reached - (here.open_here or 0)
        if i == 0:
            n -= lost_unknown or 0
        out.append(StepCount(i, here.stage, nxt.stage, here.position, n, nxt.reached))
    return out
